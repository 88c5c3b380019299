/**
 * The one place onnxruntime sessions get their execution provider. A `cuda` request uses CUDA or fails with the
 * install hint: onnxruntime's own ['cuda', 'cpu'] list would fall back to CPU without a word. `allowFallback` lets a
 * run continue on CPU, and then the session says so, so a result records what ran instead of what was asked for.
 */
import * as ort from 'onnxruntime-node'
import type { Device } from '../core/executor.ts'

export interface ProviderOptions {
  readonly device: Device
  /** Intra-op threads; undefined lets onnxruntime choose. */
  readonly threads?: number
  /** On a failed `cuda` session, run on CPU and record the fallback instead of failing. Default false. */
  readonly allowFallback?: boolean
}

export interface ProvidedSession {
  readonly session: ort.InferenceSession
  /** The execution provider the session was created with (onnxruntime may still place a node CUDA lacks on CPU). */
  readonly executionProvider: Device
  /** Why the requested provider did not run, when `allowFallback` let the session fall back. */
  readonly fallback?: string
}

/** How to get onnxruntime-node's CUDA provider: its install script downloads it only when asked. */
export const CUDA_INSTALL_HINT =
  'install onnxruntime-node with its CUDA provider (ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci; CUDA 12 and cuDNN 9 must be on the loader path, ' +
  `see the README's "Run the MobileLLM study on a GPU"), or run on device 'cpu'`

/**
 * onnxruntime's pool threads spin after each run waiting for the next, for up to seconds on some CPUs: lmscale
 * runs several sessions in one process (scoring, decode, the calibration), and a session's spinning threads
 * would steal the cores the next session's run needs (an interleaved calibration measured the phase after it
 * up to 2× slower). Off for every session; the numbers do not change, only the idle CPU.
 */
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' } } }

export class ExecutionProviderError extends Error {
  override name = 'ExecutionProviderError'
}

/** Every failure names the model file (when it has one) and keeps onnxruntime's own error as `cause`. */
export async function createSession(
  model: string | Uint8Array,
  options: ProviderOptions,
  extra: ort.InferenceSession.SessionOptions = {},
): Promise<ProvidedSession> {
  const where = typeof model === 'string' ? `${model}: ` : ''
  const settings = (device: Device): ort.InferenceSession.SessionOptions => ({
    ...extra,
    executionProviders: [device],
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    extra: NO_SPINNING,
  })
  const create = (device: Device) =>
    (typeof model === 'string' ? ort.InferenceSession.create(model, settings(device)) : ort.InferenceSession.create(model, settings(device))).catch(
      (error: unknown) => {
        throw new Error(`${where}onnxruntime cannot load the model on ${device} (${reasonOf(error)})`, { cause: error })
      },
    )
  if (options.device === 'cpu') return { session: await create('cpu'), executionProvider: 'cpu' }
  try {
    return { session: await create('cuda'), executionProvider: 'cuda' }
  } catch (wrapped) {
    const error = (wrapped as Error).cause
    if (!options.allowFallback) {
      throw new ExecutionProviderError(
        `${where}the CUDA execution provider could not start (${reasonOf(error)}): ${CUDA_INSTALL_HINT}; allowFallback: true runs on CPU instead and records it`,
        { cause: error },
      )
    }
    return { session: await create('cpu'), executionProvider: 'cpu', fallback: `cuda requested, CPU ran: ${reasonOf(error)}` }
  }
}

/** onnxruntime's message without the coloured log it appends to some. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split(/\n|\u001b/)[0]!
}
