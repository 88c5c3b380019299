/**
 * A plain float64 GPT-NeoX forward pass, written from Hugging Face's modeling_gpt_neox equations and sharing
 * no code with the ONNX graph, so the tests can check every forged GPT-NeoX graph against it.
 */
import { errorFunction } from 'simple-statistics'
import type { DecoderWeights } from './architecture.ts'
import { gptNeoxHeadDim, rotaryDimsOf, type GptNeoxConfig } from './gpt-neox-config.ts'
import { add, applyRope, causalAttentionAt } from './reference-forward.ts'
import { layerNormForward, linearForward } from '../onnx/tensor-math.ts'

/** Logits for every position of one unpadded sequence starting at position 0: rows[t][v]. */
export function gptNeoxReferenceLogits(config: GptNeoxConfig, weights: DecoderWeights, tokens: readonly number[]): Float64Array[] {
  const { hiddenSize: D, numHeads: H, intermediateSize: F, vocabSize: V } = config
  const hd = gptNeoxHeadDim(config)
  const rotary = rotaryDimsOf(config)
  const w = (name: string) => {
    const tensor = weights[name]
    if (!tensor) throw new Error(`reference forward: missing ${name}`)
    return tensor.data
  }
  const linear = (prefix: string, outFeatures: number, x: Float64Array) =>
    add(linearForward(w(`${prefix}.weight`), outFeatures, x), Float64Array.from(w(`${prefix}.bias`)))
  const layerNorm = (prefix: string, x: Float64Array) => layerNormForward(x, w(`${prefix}.weight`), w(`${prefix}.bias`), config.layerNormEps)
  // Exact GELU; simple-statistics' erf has a relative error below 1.2e-7, far inside the 1e-4 the tests ask.
  const gelu = (z: number) => 0.5 * z * (1 + errorFunction(z / Math.SQRT2))
  const mlp = (prefix: string, h: Float64Array) => linear(`${prefix}.mlp.dense_4h_to_h`, D, linear(`${prefix}.mlp.dense_h_to_4h`, F, h).map(gelu))

  const embedding = w('gpt_neox.embed_in.weight')
  let states: Float64Array[] = tokens.map(token => Float64Array.from(embedding.subarray(token * D, (token + 1) * D)))
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `gpt_neox.layers.${layer}`
    const fused = states.map(x => linear(`${p}.attention.query_key_value`, 3 * D, layerNorm(`${p}.input_layernorm`, x)))
    // Head h's query, key and value are rows [h·3·hd, h·3·hd + hd), then the next hd, then the next.
    const unfuse = (part: number) => fused.map(row => Float64Array.from({ length: D }, (_, i) => row[Math.floor(i / hd) * 3 * hd + part * hd + (i % hd)]!))
    const q = unfuse(0).map((row, t) => applyRope(row, H, hd, t, config.rotaryEmbBase, rotary))
    const k = unfuse(1).map((row, t) => applyRope(row, H, hd, t, config.rotaryEmbBase, rotary))
    const v = unfuse(2)
    states = states.map((x, t) => {
      const attention = linear(`${p}.attention.dense`, D, causalAttentionAt(t, q, k, v, { heads: H, kvHeads: H, headDim: hd }))
      if (config.useParallelResidual) return add(add(x, attention), mlp(p, layerNorm(`${p}.post_attention_layernorm`, x)))
      const afterAttention = add(x, attention)
      return add(afterAttention, mlp(p, layerNorm(`${p}.post_attention_layernorm`, afterAttention)))
    })
  }
  return states.map(x => linearForward(w('embed_out.weight'), V, layerNorm('gpt_neox.final_layer_norm', x)))
}
