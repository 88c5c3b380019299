/**
 * The LLaMA / MobileLLM decoder configuration and its weights in Hugging Face naming, with the checks
 * that run before anything is written.
 */

export interface DecoderConfig {
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
  readonly maxPositionEmbeddings: number
  /** Tied: the LM head is the transposed token embedding and `lm_head.weight` must be absent. */
  readonly tieWordEmbeddings: boolean
  readonly bosTokenId: number
  readonly eosTokenId: number
}

/** A row-major float tensor with its shape (Hugging Face layout: Linear weights are [out, in]). */
export interface WeightTensor {
  readonly data: Float32Array
  readonly shape: readonly number[]
}

/** Weights keyed by Hugging Face LLaMA names: model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, … */
export type DecoderWeights = Readonly<Record<string, WeightTensor>>

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

export class ForgeInputError extends Error {
  override name = 'ForgeInputError'
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
  const expected = expectedWeightShapes(config)
  for (const [name, shape] of expected) {
    const tensor = weights[name]
    if (!tensor) throw new ForgeInputError(`missing tensor ${name}: expected shape [${shape.join(', ')}]`)
    if (tensor.shape.length !== shape.length || tensor.shape.some((v, i) => v !== shape[i])) {
      throw new ForgeInputError(`tensor ${name} has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`)
    }
    const size = shape.reduce((a, b) => a * b, 1)
    if (tensor.data.length !== size) {
      throw new ForgeInputError(`tensor ${name} holds ${tensor.data.length} values, expected ${size} for shape [${shape.join(', ')}]`)
    }
  }
  for (const name of Object.keys(weights)) {
    if (!expected.has(name)) {
      const hint = name === 'lm_head.weight' ? ' (the config ties the LM head to the embedding)' : ''
      throw new ForgeInputError(`unexpected tensor ${name}${hint}`)
    }
  }
}
