/**
 * An onnxruntime session over a decoder graph in the transformers.js layout, fed the way transformers.js
 * feeds it: input_ids, attention_mask, position_ids and (empty or carried) past_key_values.{i}.key/value.
 */
import * as ort from 'onnxruntime-node'

export type Device = 'cpu' | 'cuda'

export interface SessionOptions {
  readonly device: Device
  /** Intra-op threads; undefined lets onnxruntime choose (one per physical core). */
  readonly threads?: number
}

export interface DecoderOutputs {
  /** [batch, sequence, vocab] logits as float32 (fp16 graphs are widened). */
  readonly logits: Float32Array
  readonly vocabSize: number
  /** present.{i}.* outputs, renamed to the past_key_values.{i}.* inputs of the next step. */
  readonly past: Record<string, ort.Tensor>
}

export class DecoderSession {
  private constructor(
    readonly session: ort.InferenceSession,
    readonly device: Device,
    private readonly pastInputs: readonly ort.InferenceSession.TensorValueMetadata[],
  ) {}

  static async create(onnxPath: string, options: SessionOptions): Promise<DecoderSession> {
    const session = await ort.InferenceSession.create(onnxPath, {
      executionProviders: options.device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
      graphOptimizationLevel: 'all',
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    })
    for (const name of ['input_ids', 'logits']) {
      const names = name === 'logits' ? session.outputNames : session.inputNames
      if (!names.includes(name)) throw new Error(`${onnxPath}: the graph has no ${name === 'logits' ? 'output' : 'input'} named ${name}; is it a decoder in the transformers.js layout?`)
    }
    const pastInputs = session.inputMetadata.filter(
      (m): m is ort.InferenceSession.TensorValueMetadata => m.isTensor && m.name.startsWith('past_key_values.'),
    )
    return new DecoderSession(session, options.device, pastInputs)
  }

  /** Runs rows of equal width; `past` carries a cache from an earlier call (its length is read from it). */
  async forward(inputIds: readonly (readonly number[])[], attentionMask: readonly (readonly number[])[], past?: Record<string, ort.Tensor>): Promise<DecoderOutputs> {
    const batch = inputIds.length
    const width = inputIds[0]?.length ?? 0
    const total = attentionMask[0]?.length ?? 0
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64Tensor(inputIds.flat(), [batch, width]),
    }
    const names = this.session.inputNames
    if (names.includes('attention_mask')) feeds.attention_mask = int64Tensor(attentionMask.flat(), [batch, total])
    if (names.includes('position_ids')) feeds.position_ids = int64Tensor(positionIds(attentionMask, width).flat(), [batch, width])
    for (const meta of this.pastInputs) feeds[meta.name] = past?.[meta.name] ?? emptyPast(meta, batch)
    const outputs = await this.session.run(feeds)
    const logits = outputs.logits!
    const nextPast: Record<string, ort.Tensor> = {}
    for (const [name, tensor] of Object.entries(outputs)) {
      if (name.startsWith('present.')) nextPast[name.replace('present.', 'past_key_values.')] = tensor
    }
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

function int64Tensor(values: readonly number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, v => BigInt(v)), dims)
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

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const fraction = h & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 31) return fraction ? NaN : sign * Infinity
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}
