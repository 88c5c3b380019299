/** Seeded random decoder weights, for models whose attention is active (cache, batching, speed tests). */
import { seededRandom } from '../core/random.ts'
import type { DecoderWeights, WeightTensor } from './architecture.ts'
import { expectedWeightShapes, type DecoderConfig } from './config.ts'
import { gptNeoxWeightShapes, type GptNeoxConfig } from './gpt-neox-config.ts'

/** Standard normal samples by Box–Muller, the cosine half only (the fixture files were forged with this sequence). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/**
 * Weights of any architecture, by name and shape, with a scale that keeps activations O(1) and makes attention
 * far from uniform: Linear weights ~ N(0, gain² / fan_in), norm weights ~ 1 + N(0, 0.1²), biases ~ N(0, 0.1²),
 * the token embedding ~ N(0, 1).
 */
export function randomWeights(shapes: ReadonlyMap<string, number[]>, embeddingName: string, seed: number, gain = 1.5): DecoderWeights {
  const normal = gaussian(seededRandom(seed).uniform)
  const weights: Record<string, WeightTensor> = {}
  for (const [name, shape] of shapes) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (shape.length === 1) data.forEach((_, i) => (data[i] = (name.endsWith('.bias') ? 0 : 1) + 0.1 * normal()))
    else if (name === embeddingName) data.forEach((_, i) => (data[i] = normal()))
    else {
      const std = gain / Math.sqrt(shape[1]!)
      data.forEach((_, i) => (data[i] = std * normal()))
    }
    weights[name] = { data, shape }
  }
  return weights
}

/** Random LLaMA weights (see randomWeights). */
export function randomDecoderWeights(config: DecoderConfig, seed: number, gain = 1.5): DecoderWeights {
  return randomWeights(expectedWeightShapes(config), 'model.embed_tokens.weight', seed, gain)
}

/** Random GPT-NeoX weights (see randomWeights). */
export function randomGptNeoxWeights(config: GptNeoxConfig, seed: number, gain = 1.5): DecoderWeights {
  return randomWeights(gptNeoxWeightShapes(config), 'gpt_neox.embed_in.weight', seed, gain)
}
