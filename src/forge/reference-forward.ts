/**
 * A plain float64 LLaMA forward pass, written from the Hugging Face modelling equations and sharing no
 * code with the ONNX graph, so the tests can check every forged graph against it.
 */
import type { DecoderWeights } from './architecture.ts'
import { headDimOf, type DecoderConfig } from './config.ts'
import { linearForward, rmsNormForward } from '../onnx/tensor-math.ts'

/** Logits for every position of one unpadded sequence starting at position 0: rows[t][v]. */
export function referenceLogits(config: DecoderConfig, weights: DecoderWeights, tokens: readonly number[]): Float64Array[] {
  const { hiddenSize: D, numHeads: H, numKvHeads: KV, intermediateSize: F, vocabSize: V } = config
  const hd = headDimOf(config)
  const w = (name: string) => {
    const tensor = weights[name]
    if (!tensor) throw new Error(`reference forward: missing ${name}`)
    return tensor.data
  }
  const embedding = w('model.embed_tokens.weight')
  let states: Float64Array[] = tokens.map(token => Float64Array.from(embedding.subarray(token * D, (token + 1) * D)))

  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `model.layers.${layer}`
    const normed = states.map(x => rmsNormForward(x, w(`${p}.input_layernorm.weight`), config.rmsNormEps))
    const q = normed.map((h, t) => applyRope(linearForward(w(`${p}.self_attn.q_proj.weight`), H * hd, h), H, hd, t, config.ropeTheta))
    const k = normed.map((h, t) => applyRope(linearForward(w(`${p}.self_attn.k_proj.weight`), KV * hd, h), KV, hd, t, config.ropeTheta))
    const v = normed.map(h => linearForward(w(`${p}.self_attn.v_proj.weight`), KV * hd, h))

    states = states.map((x, t) => {
      const attended = causalAttentionAt(t, q, k, v, { heads: H, kvHeads: KV, headDim: hd })
      const afterAttention = add(x, linearForward(w(`${p}.self_attn.o_proj.weight`), D, attended))
      const h2 = rmsNormForward(afterAttention, w(`${p}.post_attention_layernorm.weight`), config.rmsNormEps)
      const gate = linearForward(w(`${p}.mlp.gate_proj.weight`), F, h2)
      const up = linearForward(w(`${p}.mlp.up_proj.weight`), F, h2)
      const activated = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!)
      return add(afterAttention, linearForward(w(`${p}.mlp.down_proj.weight`), D, activated))
    })
  }

  const head = config.tieWordEmbeddings ? embedding : w('lm_head.weight')
  return states.map(x => linearForward(head, V, rmsNormForward(x, w('model.norm.weight'), config.rmsNormEps)))
}

/**
 * Softmax attention of query position t over positions 0..t, from per-position [heads · headDim] q and
 * [kvHeads · headDim] k, v; query head h reads KV head floor(h / (heads / kvHeads)). Returns [heads · headDim].
 */
export function causalAttentionAt(
  t: number,
  q: readonly Float64Array[],
  k: readonly Float64Array[],
  v: readonly Float64Array[],
  shape: { heads: number; kvHeads: number; headDim: number },
): Float64Array {
  const { heads: H, kvHeads: KV, headDim: hd } = shape
  const attended = new Float64Array(H * hd)
  for (let head = 0; head < H; head++) {
    const kvHead = Math.floor(head / (H / KV))
    const scores = new Float64Array(t + 1)
    for (let j = 0; j <= t; j++) {
      let dot = 0
      for (let c = 0; c < hd; c++) dot += q[t]![head * hd + c]! * k[j]![kvHead * hd + c]!
      scores[j] = dot / Math.sqrt(hd)
    }
    const max = Math.max(...scores)
    const exps = scores.map(s => Math.exp(s - max))
    const total = exps.reduce((a, b) => a + b, 0)
    for (let j = 0; j <= t; j++) {
      for (let c = 0; c < hd; c++) attended[head * hd + c]! += (exps[j]! / total) * v[j]![kvHead * hd + c]!
    }
  }
  return attended
}

/** Rotate-half RoPE on the first `rotaryDims` channels of each head of a [heads · headDim] vector at one position; the rest pass through. */
export function applyRope(x: Float64Array, heads: number, hd: number, position: number, theta: number, rotaryDims = hd): Float64Array {
  const out = Float64Array.from(x)
  const half = rotaryDims / 2
  for (let head = 0; head < heads; head++) {
    const base = head * hd
    for (let i = 0; i < half; i++) {
      const angle = position / theta ** ((2 * i) / rotaryDims)
      const [c, s] = [Math.cos(angle), Math.sin(angle)]
      const [a, b] = [x[base + i]!, x[base + half + i]!]
      out[base + i] = a * c - b * s
      out[base + half + i] = b * c + a * s
    }
  }
  return out
}

export function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]!)
}
