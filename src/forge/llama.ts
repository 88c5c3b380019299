/** LLaMA / MobileLLM as a forge architecture, composed from its config checks, ONNX graph and reference forward. */
import type { Architecture } from './architecture.ts'
import { expectedWeightShapes, headDimOf, validateDecoder, type DecoderConfig } from './config.ts'
import { buildDecoderGraph } from './llama-graph.ts'
import { referenceLogits } from './reference-forward.ts'

export const llama: Architecture<DecoderConfig> = {
  name: 'llama',
  modelType: 'llama',
  weightShapes: expectedWeightShapes,
  validate: validateDecoder,
  buildGraph: buildDecoderGraph,
  referenceLogits,
  // In Hugging Face's LlamaConfig naming.
  huggingFaceConfig: config => ({
    architectures: ['LlamaForCausalLM'],
    model_type: llama.modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: headDimOf(config),
    hidden_act: 'silu',
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    max_position_embeddings: config.maxPositionEmbeddings,
    tie_word_embeddings: config.tieWordEmbeddings,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    torch_dtype: 'float32',
  }),
}
