/**
 * The GPT-NeoX (Pythia) decoder configuration and its weight shapes in Hugging Face naming, with the checks
 * that run before anything is written.
 */
import { checkWeightShapes, ForgeInputError, type BaseConfig, type DecoderWeights } from './architecture.ts'

export interface GptNeoxConfig extends BaseConfig {
  readonly vocabSize: number
  readonly hiddenSize: number
  readonly intermediateSize: number
  readonly numLayers: number
  readonly numHeads: number
  /** Fraction of each head's channels that get rotary embeddings (Hugging Face's rotary_pct; Pythia uses 0.25). */
  readonly rotaryPct: number
  readonly rotaryEmbBase: number
  readonly layerNormEps: number
  /** x + attn(ln1(x)) + mlp(ln2(x)) when true (Pythia); attention then MLP, each with its residual, when false. */
  readonly useParallelResidual: boolean
}

export function gptNeoxHeadDim(config: GptNeoxConfig): number {
  return config.hiddenSize / config.numHeads
}

/** Channels rotated per head, as Hugging Face computes it: int(head_size · rotary_pct). */
export function rotaryDimsOf(config: GptNeoxConfig): number {
  return Math.floor(gptNeoxHeadDim(config) * config.rotaryPct)
}

/** Every tensor GPT-NeoX needs, with its expected shape; the LM head (embed_out) is never tied. */
export function gptNeoxWeightShapes(config: GptNeoxConfig): Map<string, number[]> {
  const { vocabSize: V, hiddenSize: D, intermediateSize: F } = config
  const shapes = new Map<string, number[]>([['gpt_neox.embed_in.weight', [V, D]]])
  for (let i = 0; i < config.numLayers; i++) {
    const p = `gpt_neox.layers.${i}`
    for (const norm of ['input_layernorm', 'post_attention_layernorm']) {
      shapes.set(`${p}.${norm}.weight`, [D])
      shapes.set(`${p}.${norm}.bias`, [D])
    }
    shapes.set(`${p}.attention.query_key_value.weight`, [3 * D, D])
    shapes.set(`${p}.attention.query_key_value.bias`, [3 * D])
    shapes.set(`${p}.attention.dense.weight`, [D, D])
    shapes.set(`${p}.attention.dense.bias`, [D])
    shapes.set(`${p}.mlp.dense_h_to_4h.weight`, [F, D])
    shapes.set(`${p}.mlp.dense_h_to_4h.bias`, [F])
    shapes.set(`${p}.mlp.dense_4h_to_h.weight`, [D, F])
    shapes.set(`${p}.mlp.dense_4h_to_h.bias`, [D])
  }
  shapes.set('gpt_neox.final_layer_norm.weight', [D])
  shapes.set('gpt_neox.final_layer_norm.bias', [D])
  shapes.set('embed_out.weight', [V, D])
  return shapes
}

/** Throws a ForgeInputError naming the field or tensor at fault; returns nothing when config and weights agree. */
export function validateGptNeox(config: GptNeoxConfig, weights: DecoderWeights): void {
  for (const field of ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'maxPositionEmbeddings'] as const) {
    if (!Number.isInteger(config[field]) || config[field] <= 0) throw new ForgeInputError(`config.${field} must be a positive integer, got ${config[field]}`)
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new ForgeInputError(`config.numHeads (${config.numHeads}) does not divide config.hiddenSize (${config.hiddenSize})`)
  }
  if (!(config.rotaryPct > 0 && config.rotaryPct <= 1)) throw new ForgeInputError(`config.rotaryPct must be in (0, 1], got ${config.rotaryPct}`)
  const rotary = rotaryDimsOf(config)
  if (rotary < 2 || rotary % 2 !== 0) {
    throw new ForgeInputError(
      `config.rotaryPct ${config.rotaryPct} rotates ${rotary} of ${gptNeoxHeadDim(config)} channels per head; rotate-half needs an even number, at least 2`,
    )
  }
  for (const field of ['rotaryEmbBase', 'layerNormEps'] as const) {
    if (!(config[field] > 0)) throw new ForgeInputError(`config.${field} must be positive, got ${config[field]}`)
  }
  for (const field of ['bosTokenId', 'eosTokenId'] as const) {
    if (!Number.isInteger(config[field]) || config[field] < 0 || config[field] >= config.vocabSize) {
      throw new ForgeInputError(`config.${field} must be a token id below vocabSize ${config.vocabSize}, got ${config[field]}`)
    }
  }
  checkWeightShapes(gptNeoxWeightShapes(config), weights, new Map())
}
