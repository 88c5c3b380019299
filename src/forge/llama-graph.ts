/**
 * The LLaMA / MobileLLM decoder as an ONNX graph with the inputs and outputs transformers.js feeds a
 * decoder with a KV cache: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value →
 * logits, present.{i}.key/value. Standard opset-17 operators only, so onnxruntime runs it anywhere.
 */
import type { DecoderWeights } from './architecture.ts'
import { headDimOf, validateDecoder, type DecoderConfig } from './config.ts'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { DataType } from '../onnx/proto.ts'
import { transpose2d } from '../onnx/tensor-math.ts'

export function buildDecoderGraph(config: DecoderConfig, weights: DecoderWeights): Uint8Array {
  validateDecoder(config, weights)
  const g = new GraphBuilder('lmscale_llama_decoder')
  const { vocabSize: V, hiddenSize: D, numHeads: H, numKvHeads: KV } = config
  const hd = headDimOf(config)
  const groups = H / KV

  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length'])
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length'])
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length'])
  const past = Array.from({ length: config.numLayers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, 'float32', ['batch_size', KV, 'past_sequence_length', hd]),
    value: g.input(`past_key_values.${i}.value`, 'float32', ['batch_size', KV, 'past_sequence_length', hd]),
  }))
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V])
  for (let i = 0; i < config.numLayers; i++) {
    g.output(`present.${i}.key`, 'float32', ['batch_size', KV, 'total_sequence_length', hd])
    g.output(`present.${i}.value`, 'float32', ['batch_size', KV, 'total_sequence_length', hd])
  }

  const tensor = (name: string) => weights[name]!
  // MatMul weights are stored [in, out], as ONNX exporters do, so no Transpose runs per call.
  const linear = (name: string) => {
    const w = tensor(name)
    return g.weight(name, transpose2d(w.data, w.shape[0]!, w.shape[1]!), [w.shape[1]!, w.shape[0]!])
  }
  const vector = (name: string) => g.weight(name, tensor(name).data, [D])
  const rmsNorm = (x: string, weightName: string) => {
    const variance = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 })
    const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.float(config.rmsNormEps)])])])
    return g.op('Mul', [g.op('Mul', [x, inverse]), vector(weightName)])
  }

  const embedding = g.weight('model.embed_tokens.weight', tensor('model.embed_tokens.weight').data, [V, D])
  let x = g.op('Gather', [embedding, inputIds], { axis: 0 })

  // RoPE tables from position_ids (Hugging Face: inv_freq and the angles in float32, halves concatenated).
  const invFreq = new Float32Array(hd / 2).map((_, i) => 1 / config.ropeTheta ** ((2 * i) / hd))
  const positions = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: DataType.FLOAT }), g.int64([2])])
  const angles = g.op('Mul', [positions, g.weight('rope.inv_freq', invFreq, [hd / 2])])
  const doubled = g.op('Concat', [angles, angles], { axis: -1 })
  const cos = g.op('Unsqueeze', [g.op('Cos', [doubled]), g.int64([1])])
  const sin = g.op('Unsqueeze', [g.op('Sin', [doubled]), g.int64([1])])
  const rope = (t: string) => {
    const first = g.op('Slice', [t, g.int64([0]), g.int64([hd / 2]), g.int64([3])])
    const second = g.op('Slice', [t, g.int64([hd / 2]), g.int64([hd]), g.int64([3])])
    const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 })
    return g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [rotated, sin])])
  }

  // Key j is visible to query i iff j <= past_len + i and attention_mask[b, j] != 0.
  const newLength = g.op('Gather', [g.op('Shape', [inputIds]), g.int64([1], true)], { axis: 0 })
  const totalLength = g.op('Gather', [g.op('Shape', [attentionMask]), g.int64([1], true)], { axis: 0 })
  const pastLength = g.op('Sub', [totalLength, newLength])
  const zero = g.int64([0], true)
  const one = g.int64([1], true)
  const queryPositions = g.op('Add', [g.op('Range', [zero, newLength, one]), pastLength])
  const keyPositions = g.op('Range', [zero, totalLength, one])
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keyPositions, g.int64([0])]), g.op('Unsqueeze', [queryPositions, g.int64([1])])])
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: DataType.BOOL }), g.int64([1, 2, 3])])
  const allowed = g.op('And', [g.op('Unsqueeze', [causal, g.int64([0, 1, 2])]), notPadding])
  const maskBias = g.op('Where', [allowed, g.float(0), g.lowestFloat()]) // [B, 1, 1, S, T]

  const scale = g.float(1 / Math.sqrt(hd))
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`
    const h = rmsNorm(x, `${p}.input_layernorm.weight`)
    const heads = (name: string, count: number) =>
      g.op('Transpose', [g.op('Reshape', [g.op('MatMul', [h, linear(name)]), g.int64([0, 0, count, hd])])], { perm: [0, 2, 1, 3] })
    const q = rope(heads(`${p}.self_attn.q_proj.weight`, H))
    const k = rope(heads(`${p}.self_attn.k_proj.weight`, KV))
    const v = heads(`${p}.self_attn.v_proj.weight`, KV)
    const keys = g.op('Concat', [past[i]!.key, k], { axis: 2 }, `present.${i}.key`)
    const values = g.op('Concat', [past[i]!.value, v], { axis: 2 }, `present.${i}.value`)

    // Grouped-query attention without copying keys: query head h reads KV head floor(h / groups).
    const grouped = g.op('Reshape', [g.op('Mul', [q, scale]), g.int64([0, KV, groups, -1, hd])])
    const keysT = g.op('Transpose', [g.op('Unsqueeze', [keys, g.int64([2])])], { perm: [0, 1, 2, 4, 3] })
    const scores = g.op('Add', [g.op('MatMul', [grouped, keysT]), maskBias])
    const probs = g.op('Softmax', [scores], { axis: -1 })
    const context = g.op('MatMul', [probs, g.op('Unsqueeze', [values, g.int64([2])])])
    const merged = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [context, g.int64([0, H, -1, hd])])], { perm: [0, 2, 1, 3] }), g.int64([0, 0, H * hd])])
    x = g.op('Add', [x, g.op('MatMul', [merged, linear(`${p}.self_attn.o_proj.weight`)])])

    const h2 = rmsNorm(x, `${p}.post_attention_layernorm.weight`)
    const gate = g.op('MatMul', [h2, linear(`${p}.mlp.gate_proj.weight`)])
    const up = g.op('MatMul', [h2, linear(`${p}.mlp.up_proj.weight`)])
    const activated = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up])
    x = g.op('Add', [x, g.op('MatMul', [activated, linear(`${p}.mlp.down_proj.weight`)])])
  }

  const head = config.tieWordEmbeddings ? g.op('Transpose', [embedding], { perm: [1, 0] }) : linear('lm_head.weight')
  g.op('MatMul', [rmsNorm(x, 'model.norm.weight'), head], {}, 'logits')
  return g.toBytes()
}
