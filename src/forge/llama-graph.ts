/**
 * The LLaMA / MobileLLM decoder as an ONNX graph with the inputs and outputs transformers.js feeds a
 * decoder with a KV cache: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value →
 * logits, present.{i}.key/value. Standard opset-17 operators only, so onnxruntime runs it anywhere.
 */
import type { DecoderWeights } from './architecture.ts'
import { headDimOf, validateDecoder, type DecoderConfig } from './config.ts'
import { cachedAttention, causalMaskBias, declareDecoderIO, rotaryEmbedding, splitHeads } from './decoder-graph-parts.ts'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { transpose2d } from '../onnx/tensor-math.ts'

export function buildDecoderGraph(config: DecoderConfig, weights: DecoderWeights): Uint8Array {
  validateDecoder(config, weights)
  const g = new GraphBuilder('lmscale_llama_decoder')
  const { vocabSize: V, hiddenSize: D, numHeads: H, numKvHeads: KV } = config
  const hd = headDimOf(config)
  const io = declareDecoderIO(g, { vocabSize: V, numLayers: config.numLayers, kvHeads: KV, headDim: hd })

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
  let x = g.op('Gather', [embedding, io.inputIds], { axis: 0 })
  const rope = rotaryEmbedding(g, io.positionIds, hd, hd, config.ropeTheta)
  const maskBias = causalMaskBias(g, io)

  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`
    const h = rmsNorm(x, `${p}.input_layernorm.weight`)
    const heads = (name: string, count: number) => splitHeads(g, g.op('MatMul', [h, linear(name)]), count, hd)
    const q = rope(heads(`${p}.self_attn.q_proj.weight`, H))
    const k = rope(heads(`${p}.self_attn.k_proj.weight`, KV))
    const v = heads(`${p}.self_attn.v_proj.weight`, KV)
    const merged = cachedAttention(g, io, i, maskBias, { q, k, v }, { heads: H, kvHeads: KV, headDim: hd })
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
