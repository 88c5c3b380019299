/** Seeded random decoder weights, for models whose attention is active (cache, batching, speed tests). */
import { seededRandom } from '../core/random.ts'
import type { DecoderWeights, WeightTensor } from './architecture.ts'
import { expectedWeightShapes, type DecoderConfig } from './config.ts'

/** Standard normal samples by Box–Muller, the cosine half only (the fixture files were forged with this sequence). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/**
 * Weights with a scale that keeps activations O(1) and makes attention far from uniform:
 * Linear weights ~ N(0, gain² / fan_in), norm weights ~ 1 + N(0, 0.1²), embeddings ~ N(0, 1).
 */
export function randomDecoderWeights(config: DecoderConfig, seed: number, gain = 1.5): DecoderWeights {
  const normal = gaussian(seededRandom(seed).uniform)
  const weights: Record<string, WeightTensor> = {}
  for (const [name, shape] of expectedWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (shape.length === 1) data.forEach((_, i) => (data[i] = 1 + 0.1 * normal()))
    else if (name === 'model.embed_tokens.weight') data.forEach((_, i) => (data[i] = normal()))
    else {
      const std = gain / Math.sqrt(shape[1]!)
      data.forEach((_, i) => (data[i] = std * normal()))
    }
    weights[name] = { data, shape }
  }
  return weights
}
