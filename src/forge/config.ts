/**
 * The LLaMA / MobileLLM decoder configuration and its weight shapes in Hugging Face naming, with the checks
 * that run before anything is written.
 */
import { checkWeightShapes, ForgeInputError, type BaseConfig, type DecoderWeights } from './architecture.ts'

export interface DecoderConfig extends BaseConfig {
  readonly vocabSize: number
  readonly hiddenSize: number
  readonly intermediateSize: number
  readonly numLayers: number
  readonly numHeads: number
  readonly numKvHeads: number
  /** Defaults to hiddenSize / numHeads, as in Hugging Face's LlamaConfig. */
  readonly headDim?: number
  readonly ropeTheta: number
  readonly rmsNormEps: number
  /** Tied: the LM head is the transposed token embedding and `lm_head.weight` must be absent. */
  readonly tieWordEmbeddings: boolean
}

export function headDimOf(config: DecoderConfig): number {
  return config.headDim ?? config.hiddenSize / config.numHeads
}

/** Every tensor the architecture needs, with its expected shape. */
export function expectedWeightShapes(config: DecoderConfig): Map<string, number[]> {
  const d = config.hiddenSize
  const hd = headDimOf(config)
  const shapes = new Map<string, number[]>([['model.embed_tokens.weight', [config.vocabSize, d]]])
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`
    shapes.set(`${p}.input_layernorm.weight`, [d])
    shapes.set(`${p}.self_attn.q_proj.weight`, [config.numHeads * hd, d])
    shapes.set(`${p}.self_attn.k_proj.weight`, [config.numKvHeads * hd, d])
    shapes.set(`${p}.self_attn.v_proj.weight`, [config.numKvHeads * hd, d])
    shapes.set(`${p}.self_attn.o_proj.weight`, [d, config.numHeads * hd])
    shapes.set(`${p}.post_attention_layernorm.weight`, [d])
    shapes.set(`${p}.mlp.gate_proj.weight`, [config.intermediateSize, d])
    shapes.set(`${p}.mlp.up_proj.weight`, [config.intermediateSize, d])
    shapes.set(`${p}.mlp.down_proj.weight`, [d, config.intermediateSize])
  }
  shapes.set('model.norm.weight', [d])
  if (!config.tieWordEmbeddings) shapes.set('lm_head.weight', [config.vocabSize, d])
  return shapes
}

/** Throws a ForgeInputError naming the field or tensor at fault; returns nothing when config and weights agree. */
export function validateDecoder(config: DecoderConfig, weights: DecoderWeights): void {
  const positive = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'maxPositionEmbeddings'] as const
  for (const field of positive) {
    if (!Number.isInteger(config[field]) || config[field] <= 0) {
      throw new ForgeInputError(`config.${field} must be a positive integer, got ${config[field]}`)
    }
  }
  if (config.headDim === undefined && config.hiddenSize % config.numHeads !== 0) {
    throw new ForgeInputError(
      `config.numHeads (${config.numHeads}) does not divide config.hiddenSize (${config.hiddenSize}); set headDim explicitly or change the head count`,
    )
  }
  const hd = headDimOf(config)
  if (!Number.isInteger(hd) || hd % 2 !== 0) throw new ForgeInputError(`head dimension must be an even integer for RoPE, got ${hd}`)
  if (config.numHeads % config.numKvHeads !== 0) {
    throw new ForgeInputError(`config.numKvHeads (${config.numKvHeads}) must divide config.numHeads (${config.numHeads}) for grouped-query attention`)
  }
  for (const field of ['bosTokenId', 'eosTokenId'] as const) {
    if (!Number.isInteger(config[field]) || config[field] < 0 || config[field] >= config.vocabSize) {
      throw new ForgeInputError(`config.${field} must be a token id below vocabSize ${config.vocabSize}, got ${config[field]}`)
    }
  }
  checkWeightShapes(expectedWeightShapes(config), weights, new Map([['lm_head.weight', 'the config ties the LM head to the embedding']]))
}
