/** GPT-NeoX (Pythia) as a forge architecture, composed from its config checks, ONNX graph and reference forward. */
import type { Architecture } from './architecture.ts'
import { gptNeoxWeightShapes, validateGptNeox, type GptNeoxConfig } from './gpt-neox-config.ts'
import { buildGptNeoxGraph } from './gpt-neox-graph.ts'
import { gptNeoxReferenceLogits } from './gpt-neox-reference.ts'

export const gptNeox: Architecture<GptNeoxConfig> = {
  name: 'gpt-neox',
  modelType: 'gpt_neox',
  weightShapes: gptNeoxWeightShapes,
  validate: validateGptNeox,
  buildGraph: buildGptNeoxGraph,
  referenceLogits: gptNeoxReferenceLogits,
  // In Hugging Face's GPTNeoXConfig naming.
  huggingFaceConfig: config => ({
    architectures: ['GPTNeoXForCausalLM'],
    model_type: gptNeox.modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    hidden_act: 'gelu',
    rotary_pct: config.rotaryPct,
    rotary_emb_base: config.rotaryEmbBase,
    layer_norm_eps: config.layerNormEps,
    use_parallel_residual: config.useParallelResidual,
    attention_bias: true,
    attention_dropout: 0,
    hidden_dropout: 0,
    max_position_embeddings: config.maxPositionEmbeddings,
    tie_word_embeddings: false,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    torch_dtype: 'float32',
  }),
}
