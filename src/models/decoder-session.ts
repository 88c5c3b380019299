/**
 * An onnxruntime session over a decoder graph in the transformers.js layout, fed the way transformers.js
 * feeds it: input_ids, attention_mask, position_ids and (empty or carried) past_key_values.{i}.key/value.
 * A plain graph returns `logits`; a scoring graph (scoring-graph.ts) takes `target_ids` and returns only the
 * target log-probabilities and argmax ids. Only the outputs a call asks for are copied to JavaScript.
 */
import type { Device } from '../core/executor.ts'
import * as ort from 'onnxruntime-node'
import { createSession, type ProviderOptions } from '../onnx/session.ts'
import { ARGMAX_IDS_OUTPUT, TARGET_IDS_INPUT, TARGET_LOG_PROBS_OUTPUT } from './scoring-graph.ts'
import { halfToFloat } from '../onnx/tensor-math.ts'

/**
 * Threads: undefined lets onnxruntime choose (one per physical core). Measured on 2 cores
 * (benchmarks/perf.bench.ts): the default matched an explicit 2 and 1 thread scored at about half the rate.
 */
export type SessionOptions = ProviderOptions

export type GraphKind = 'logits' | 'scoring'

export interface DecoderInputs {
  /** Rows of equal width. */
  readonly inputIds: readonly (readonly number[])[]
  /** [batch, past + width]; 0 marks padding. */
  readonly attentionMask: readonly (readonly number[])[]
  /** A cache from an earlier call (its length is read from it); empty when absent. */
  readonly past?: Readonly<Record<string, ort.Tensor>>
  /** Scoring graphs: the token whose log-probability each position reports (any id where unused). */
  readonly targetIds?: readonly (readonly number[])[]
  /** Return the present.* tensors (a copy per call, so only when a later call reuses them). */
  readonly wantPast?: boolean
}

export interface DecoderOutputs {
  /** Plain graphs: [batch, sequence, vocab] logits as float32 (fp16 graphs are widened). */
  readonly logits?: Float32Array
  readonly vocabSize?: number
  /** Scoring graphs: [batch, sequence] fp32 log-probability of targetIds. */
  readonly targetLogProbs?: Float64Array
  /** Scoring graphs: [batch, sequence] argmax token id. */
  readonly argmaxIds?: BigInt64Array
  /** present.{i}.* outputs, renamed to the past_key_values.{i}.* inputs of the next step (when asked for). */
  readonly past: Record<string, ort.Tensor>
}

/** What a session has computed: calls and positions fed (batch × width, padding included). */
export interface DecoderUsage {
  calls: number
  positions: number
}

export class DecoderSession {
  readonly usage: DecoderUsage = { calls: 0, positions: 0 }

  private constructor(
    readonly session: ort.InferenceSession,
    /** The execution provider that runs the session (not necessarily the one requested: see `fallback`). */
    readonly device: Device,
    /** Why the requested provider did not run, when the caller allowed a fallback. */
    readonly fallback: string | undefined,
    readonly kind: GraphKind,
    private readonly pastInputs: readonly ort.InferenceSession.TensorValueMetadata[],
  ) {}

  static async create(onnxPath: string, options: SessionOptions): Promise<DecoderSession> {
    const { session, executionProvider, fallback } = await createSession(onnxPath, options, { graphOptimizationLevel: 'all' })
    if (!session.inputNames.includes('input_ids')) {
      throw new Error(`${onnxPath}: the graph has no input named input_ids; is it a decoder in the transformers.js layout?`)
    }
    const scoring = session.outputNames.includes(TARGET_LOG_PROBS_OUTPUT) && session.inputNames.includes(TARGET_IDS_INPUT)
    if (!scoring && !session.outputNames.includes('logits')) {
      throw new Error(`${onnxPath}: the graph has no output named logits; is it a decoder in the transformers.js layout?`)
    }
    const pastInputs = session.inputMetadata.filter((m): m is ort.InferenceSession.TensorValueMetadata => m.isTensor && m.name.startsWith('past_key_values.'))
    return new DecoderSession(session, executionProvider, fallback, scoring ? 'scoring' : 'logits', pastInputs)
  }

  /** Whether the graph carries a KV cache (past_key_values.* inputs). */
  get hasCache(): boolean {
    return this.pastInputs.length > 0
  }

  async forward(inputs: DecoderInputs): Promise<DecoderOutputs> {
    const { inputIds, attentionMask, past } = inputs
    const batch = inputIds.length
    const width = inputIds[0]?.length ?? 0
    const total = attentionMask[0]?.length ?? 0
    const feeds: Record<string, ort.Tensor> = { input_ids: int64Tensor(inputIds, batch, width) }
    const names = this.session.inputNames
    if (names.includes('attention_mask')) feeds.attention_mask = int64Tensor(attentionMask, batch, total)
    if (names.includes('position_ids')) feeds.position_ids = int64Tensor(positionIds(attentionMask, width), batch, width)
    for (const meta of this.pastInputs) feeds[meta.name] = past?.[meta.name] ?? emptyPast(meta, batch)
    const fetches: string[] = []
    if (this.kind === 'scoring') {
      if (!inputs.targetIds) throw new Error('a scoring graph needs targetIds')
      feeds[TARGET_IDS_INPUT] = int64Tensor(inputs.targetIds, batch, width)
      fetches.push(TARGET_LOG_PROBS_OUTPUT, ARGMAX_IDS_OUTPUT)
    } else {
      fetches.push('logits')
    }
    if (inputs.wantPast) fetches.push(...this.session.outputNames.filter(name => name.startsWith('present.')))
    const outputs = await this.session.run(feeds, fetches)
    this.usage.calls += 1
    this.usage.positions += batch * width
    const nextPast: Record<string, ort.Tensor> = {}
    for (const [name, tensor] of Object.entries(outputs)) {
      if (name.startsWith('present.')) nextPast[name.replace('present.', 'past_key_values.')] = tensor
    }
    if (this.kind === 'scoring') {
      return {
        targetLogProbs: outputs[TARGET_LOG_PROBS_OUTPUT]!.data as Float64Array,
        argmaxIds: outputs[ARGMAX_IDS_OUTPUT]!.data as BigInt64Array,
        past: nextPast,
      }
    }
    const logits = outputs.logits!
    return { logits: toFloat32(logits), vocabSize: logits.dims.at(-1)!, past: nextPast }
  }

  async release(): Promise<void> {
    await this.session.release()
  }
}

/** transformers.js's rule: positions are the running count of attended tokens minus one, sliced to the new tokens. */
function positionIds(mask: readonly (readonly number[])[], width: number): number[][] {
  return mask.map(row => {
    let seen = 0
    const positions = row.map(m => (m ? seen++ : 1))
    return positions.slice(positions.length - width)
  })
}

function int64Tensor(rows: readonly (readonly number[])[], batch: number, width: number): ort.Tensor {
  const data = new BigInt64Array(batch * width)
  rows.forEach((row, r) => {
    if (row.length !== width) throw new Error(`decoder input row ${r} has ${row.length} values, expected ${width}`)
    for (let i = 0; i < width; i++) data[r * width + i] = BigInt(row[i]!)
  })
  return new ort.Tensor('int64', data, [batch, width])
}

/** An empty cache: the declared shape with the batch resolved and the sequence axis 0. */
function emptyPast(meta: ort.InferenceSession.TensorValueMetadata, batch: number): ort.Tensor {
  const dims = meta.shape.map(d => (d === 'batch_size' ? batch : typeof d === 'number' ? d : 0))
  const type = meta.type === 'float16' ? 'float16' : 'float32'
  return new ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims)
}

function toFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array
  if (tensor.type === 'float16') return Float32Array.from(tensor.data as Uint16Array, halfToFloat)
  throw new Error(`logits of type ${tensor.type} are not supported (float32 or float16)`)
}
