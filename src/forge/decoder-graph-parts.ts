/**
 * The pieces every forged decoder graph shares, whatever its architecture: the transformers.js inputs and
 * outputs with a KV cache, the causal padding mask, rotary position embeddings on the first `rotaryDims` of
 * each head, and cached multi-head (grouped-query) attention writing present.{i}.key/value.
 */
import type { GraphBuilder } from '../onnx/graph-builder.ts'
import { DataType } from '../onnx/proto.ts'

export interface DecoderIO {
  readonly inputIds: string
  readonly attentionMask: string
  readonly positionIds: string
  readonly past: readonly { readonly key: string; readonly value: string }[]
}

/**
 * input_ids, attention_mask, position_ids, past_key_values.{i}.key/value [batch, kvHeads, past, headDim] →
 * logits, present.{i}.key/value: the names and cache layout of transformers.js's decoder exports.
 */
export function declareDecoderIO(g: GraphBuilder, shape: { vocabSize: number; numLayers: number; kvHeads: number; headDim: number }): DecoderIO {
  const { vocabSize: V, numLayers, kvHeads: KV, headDim: hd } = shape
  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length'])
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length'])
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length'])
  const past = Array.from({ length: numLayers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, 'float32', ['batch_size', KV, 'past_sequence_length', hd]),
    value: g.input(`past_key_values.${i}.value`, 'float32', ['batch_size', KV, 'past_sequence_length', hd]),
  }))
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V])
  for (let i = 0; i < numLayers; i++) {
    g.output(`present.${i}.key`, 'float32', ['batch_size', KV, 'total_sequence_length', hd])
    g.output(`present.${i}.value`, 'float32', ['batch_size', KV, 'total_sequence_length', hd])
  }
  return { inputIds, attentionMask, positionIds, past }
}

/**
 * Rotate-half RoPE on the first `rotaryDims` channels of each head of a [B, heads, S, headDim] tensor; the rest
 * pass through (GPT-NeoX's partial rotary). Hugging Face computes inv_freq and the angles in float32, halves concatenated.
 */
export function rotaryEmbedding(g: GraphBuilder, positionIds: string, rotaryDims: number, headDim: number, theta: number): (t: string) => string {
  const half = rotaryDims / 2
  const invFreq = new Float32Array(half).map((_, i) => 1 / theta ** ((2 * i) / rotaryDims))
  const positions = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: DataType.FLOAT }), g.int64([2])])
  const angles = g.op('Mul', [positions, g.weight('rope.inv_freq', invFreq, [half])])
  const doubled = g.op('Concat', [angles, angles], { axis: -1 })
  const cos = g.op('Unsqueeze', [g.op('Cos', [doubled]), g.int64([1])])
  const sin = g.op('Unsqueeze', [g.op('Sin', [doubled]), g.int64([1])])
  const rotate = (t: string) => {
    const first = g.op('Slice', [t, g.int64([0]), g.int64([half]), g.int64([3])])
    const second = g.op('Slice', [t, g.int64([half]), g.int64([rotaryDims]), g.int64([3])])
    const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 })
    return g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [rotated, sin])])
  }
  if (rotaryDims === headDim) return rotate
  return t => {
    const rotary = g.op('Slice', [t, g.int64([0]), g.int64([rotaryDims]), g.int64([3])])
    const pass = g.op('Slice', [t, g.int64([rotaryDims]), g.int64([headDim]), g.int64([3])])
    return g.op('Concat', [rotate(rotary), pass], { axis: -1 })
  }
}

/** Additive attention bias [B, 1, 1, S, T]: key j is visible to query i iff j <= past_len + i and attention_mask[b, j] != 0. */
export function causalMaskBias(g: GraphBuilder, io: DecoderIO): string {
  const newLength = g.op('Gather', [g.op('Shape', [io.inputIds]), g.int64([1], true)], { axis: 0 })
  const totalLength = g.op('Gather', [g.op('Shape', [io.attentionMask]), g.int64([1], true)], { axis: 0 })
  const pastLength = g.op('Sub', [totalLength, newLength])
  const zero = g.int64([0], true)
  const one = g.int64([1], true)
  const queryPositions = g.op('Add', [g.op('Range', [zero, newLength, one]), pastLength])
  const keyPositions = g.op('Range', [zero, totalLength, one])
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keyPositions, g.int64([0])]), g.op('Unsqueeze', [queryPositions, g.int64([1])])])
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [io.attentionMask], { to: DataType.BOOL }), g.int64([1, 2, 3])])
  const allowed = g.op('And', [g.op('Unsqueeze', [causal, g.int64([0, 1, 2])]), notPadding])
  return g.op('Where', [allowed, g.float(0), g.lowestFloat()])
}

/** [B, S, heads · headDim] → [B, heads, S, headDim]. */
export function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number): string {
  return g.op('Transpose', [g.op('Reshape', [x, g.int64([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] })
}

/**
 * Softmax attention of q [B, H, S, hd] over the layer's cache plus k, v [B, KV, S, hd], which it writes as
 * present.{layer}.key/value. Query head h reads KV head floor(h / (H / KV)) without copying keys. Returns [B, S, H · hd].
 */
export function cachedAttention(
  g: GraphBuilder,
  io: DecoderIO,
  layer: number,
  maskBias: string,
  qkv: { q: string; k: string; v: string },
  shape: { heads: number; kvHeads: number; headDim: number },
): string {
  const { heads: H, kvHeads: KV, headDim: hd } = shape
  const keys = g.op('Concat', [io.past[layer]!.key, qkv.k], { axis: 2 }, `present.${layer}.key`)
  const values = g.op('Concat', [io.past[layer]!.value, qkv.v], { axis: 2 }, `present.${layer}.value`)
  const grouped = g.op('Reshape', [g.op('Mul', [qkv.q, g.float(1 / Math.sqrt(hd))]), g.int64([0, KV, H / KV, -1, hd])])
  const keysT = g.op('Transpose', [g.op('Unsqueeze', [keys, g.int64([2])])], { perm: [0, 1, 2, 4, 3] })
  const scores = g.op('Add', [g.op('MatMul', [grouped, keysT]), maskBias])
  const probs = g.op('Softmax', [scores], { axis: -1 })
  const context = g.op('MatMul', [probs, g.op('Unsqueeze', [values, g.int64([2])])])
  return g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [context, g.int64([0, H, -1, hd])])], { perm: [0, 2, 1, 3] }), g.int64([0, 0, H * hd])])
}
