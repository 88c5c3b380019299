/**
 * The GPT-NeoX (Pythia) decoder as an ONNX graph with the inputs, outputs and KV-cache layout of
 * transformers.js's gpt_neox exports: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value
 * [batch, heads, past, head_dim] → logits, present.{i}.key/value. Standard opset-17 operators only.
 */
import type { DecoderWeights } from './architecture.ts'
import { cachedAttention, causalMaskBias, declareDecoderIO, rotaryEmbedding } from './decoder-graph-parts.ts'
import { gptNeoxHeadDim, rotaryDimsOf, validateGptNeox, type GptNeoxConfig } from './gpt-neox-config.ts'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { transpose2d } from '../onnx/tensor-math.ts'

export function buildGptNeoxGraph(config: GptNeoxConfig, weights: DecoderWeights): Uint8Array {
  validateGptNeox(config, weights)
  const g = new GraphBuilder('lmscale_gpt_neox_decoder')
  const { vocabSize: V, numHeads: H } = config
  const hd = gptNeoxHeadDim(config)
  const io = declareDecoderIO(g, { vocabSize: V, numLayers: config.numLayers, kvHeads: H, headDim: hd })

  const tensor = (name: string) => weights[name]!
  const initializer = (name: string) => g.weight(name, tensor(name).data, tensor(name).shape)
  // MatMul weights are stored [in, out], as ONNX exporters do, so no Transpose runs per call.
  const matmul = (x: string, name: string, output?: string) => {
    const w = tensor(name)
    return g.op('MatMul', [x, g.weight(name, transpose2d(w.data, w.shape[0]!, w.shape[1]!), [w.shape[1]!, w.shape[0]!])], {}, output)
  }
  const linear = (x: string, prefix: string) => g.op('Add', [matmul(x, `${prefix}.weight`), initializer(`${prefix}.bias`)])
  const layerNorm = (x: string, prefix: string) =>
    g.op('LayerNormalization', [x, initializer(`${prefix}.weight`), initializer(`${prefix}.bias`)], { axis: -1, epsilon: { float: config.layerNormEps } })
  // hidden_act 'gelu' is the exact (erf) GELU; opset 17 has no Gelu operator.
  const gelu = (x: string) => g.op('Mul', [g.op('Mul', [x, g.float(0.5)]), g.op('Add', [g.op('Erf', [g.op('Mul', [x, g.float(Math.SQRT1_2)])]), g.float(1)])])
  const mlp = (h: string, p: string) => linear(gelu(linear(h, `${p}.mlp.dense_h_to_4h`)), `${p}.mlp.dense_4h_to_h`)

  let x = g.op('Gather', [initializer('gpt_neox.embed_in.weight'), io.inputIds], { axis: 0 })
  const rope = rotaryEmbedding(g, io.positionIds, rotaryDimsOf(config), hd, config.rotaryEmbBase)
  const maskBias = causalMaskBias(g, io)

  for (let i = 0; i < config.numLayers; i++) {
    const p = `gpt_neox.layers.${i}`
    // Hugging Face's fused layout: each head's [q | k | v] rows are adjacent (view(B, S, H, 3·hd)).
    const fused = g.op('Reshape', [linear(layerNorm(x, `${p}.input_layernorm`), `${p}.attention.query_key_value`), g.int64([0, 0, H, 3 * hd])])
    const part = (index: number) =>
      g.op('Transpose', [g.op('Slice', [fused, g.int64([index * hd]), g.int64([(index + 1) * hd]), g.int64([3])])], { perm: [0, 2, 1, 3] })
    const merged = cachedAttention(g, io, i, maskBias, { q: rope(part(0)), k: rope(part(1)), v: part(2) }, { heads: H, kvHeads: H, headDim: hd })
    const attention = linear(merged, `${p}.attention.dense`)
    if (config.useParallelResidual) {
      x = g.op('Add', [g.op('Add', [attention, mlp(layerNorm(x, `${p}.post_attention_layernorm`), p)]), x])
    } else {
      x = g.op('Add', [attention, x])
      x = g.op('Add', [mlp(layerNorm(x, `${p}.post_attention_layernorm`), p), x])
    }
  }

  matmul(layerNorm(x, 'gpt_neox.final_layer_norm'), 'embed_out.weight', 'logits')
  return g.toBytes()
}
