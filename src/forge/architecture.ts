/**
 * What the forge needs from a decoder family (LLaMA, GPT-NeoX), so that adding one is adding one module:
 * its weights and config.json in Hugging Face naming, its ONNX graph, and an independent reference forward.
 */

/** The config fields forgeDecoder itself reads; each architecture's config extends them. */
export interface BaseConfig {
  readonly maxPositionEmbeddings: number
  readonly bosTokenId: number
  readonly eosTokenId: number
}

/** A row-major float tensor with its shape (Hugging Face layout: Linear weights are [out, in]). */
export interface WeightTensor {
  readonly data: Float32Array
  readonly shape: readonly number[]
}

/** Weights keyed by Hugging Face names, e.g. model.layers.{i}.self_attn.q_proj.weight. */
export type DecoderWeights = Readonly<Record<string, WeightTensor>>

export interface Architecture<Config extends BaseConfig> {
  /** lmscale's name for the family, e.g. 'llama'. */
  readonly name: string
  /** Hugging Face's `model_type`, which picks the model class transformers.js loads. */
  readonly modelType: string
  /** Every tensor the architecture needs, by Hugging Face name, with its expected shape. */
  weightShapes(config: Config): Map<string, number[]>
  /** Throws a ForgeInputError naming the field or tensor at fault; returns nothing when config and weights agree. */
  validate(config: Config, weights: DecoderWeights): void
  /**
   * The ONNX model with the inputs and outputs transformers.js feeds a decoder with a KV cache: input_ids,
   * attention_mask, position_ids, past_key_values.{i}.key/value → logits, present.{i}.key/value.
   */
  buildGraph(config: Config, weights: DecoderWeights): Uint8Array
  /** Float64 logits rows[t][v] of one unpadded sequence from position 0, sharing no code with buildGraph. */
  referenceLogits(config: Config, weights: DecoderWeights, tokens: readonly number[]): Float64Array[]
  /** The contents of config.json. */
  huggingFaceConfig(config: Config): Record<string, unknown>
}

export class ForgeInputError extends Error {
  override name = 'ForgeInputError'
}

/**
 * The weight checks every architecture's validate ends with: throws a ForgeInputError for a tensor that is
 * missing, misshapen or not expected, `hints` saying why a tensor is unexpected (an LM head given for tied embeddings).
 */
export function checkWeightShapes(expected: ReadonlyMap<string, number[]>, weights: DecoderWeights, hints: ReadonlyMap<string, string>): void {
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
    if (expected.has(name)) continue
    const hint = hints.get(name)
    throw new ForgeInputError(`unexpected tensor ${name}${hint ? ` (${hint})` : ''}`)
  }
}
