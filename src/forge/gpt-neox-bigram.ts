/**
 * GPT-NeoX decoders built in closed form from the same low-rank bigram factors as the LLaMA family, so their
 * exact log-likelihood of any text is known without running them.
 *
 * LayerNorm subtracts the mean, so each embedding row is [u_a, −u_a, e_a, −e_a, 0…]: its mean is exactly 0, and
 * e_a makes every row's squared norm the same T. The final LayerNorm (weight √(T/D + ε), bias 0) then returns the
 * row unchanged, and embed_out row b = [v_b, 0…] gives logits u_a · v_b. Attention's dense and the MLP's
 * dense_4h_to_h (weights and biases) are zero, so with either residual form every block adds exactly 0.
 */
import type { DecoderWeights, WeightTensor } from './architecture.ts'
import { bigramLogProbTable, type LowRankFactors } from './bigram-model.ts'
import { gptNeoxWeightShapes, type GptNeoxConfig } from './gpt-neox-config.ts'
import { seededRandom } from '../core/random.ts'
import { gaussian } from './random-weights.ts'
import { layerNormForward } from '../onnx/tensor-math.ts'

const ZEROED = /attention\.dense\.|dense_4h_to_h\./

export function gptNeoxBigramWeights(config: GptNeoxConfig, factors: LowRankFactors, seed: number): DecoderWeights {
  const { vocabSize: V, hiddenSize: D } = config
  const rank = factors.left.columns
  if (D < 2 * rank + 2) throw new Error(`hiddenSize ${D} must be at least 2 · rank + 2 = ${2 * rank + 2} (mirrored factors and norm coordinates)`)
  const normal = gaussian(seededRandom(seed).uniform)
  const weights: Record<string, WeightTensor> = {}
  for (const [name, shape] of gptNeoxWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (name.endsWith('norm.weight')) data.fill(1)
    else if (shape.length === 2 && !ZEROED.test(name) && !/embed_in|embed_out/.test(name)) {
      data.forEach((_, i) => (data[i] = normal() / Math.sqrt(shape[1]!)))
    }
    weights[name] = { data, shape }
  }

  const embedding = weights['gpt_neox.embed_in.weight']!.data
  const head = weights['embed_out.weight']!.data
  const squaredNorms = new Float64Array(V)
  for (let a = 0; a < V; a++) {
    for (let c = 0; c < rank; c++) {
      embedding[a * D + c] = factors.left.get(a, c)
      embedding[a * D + rank + c] = -embedding[a * D + c]!
      head[a * D + c] = factors.right.get(a, c)
      squaredNorms[a]! += 2 * embedding[a * D + c]! ** 2
    }
  }
  const target = 1.25 * Math.max(...squaredNorms) // every row gets this squared norm
  for (let a = 0; a < V; a++) {
    const e = Math.fround(Math.sqrt((target - squaredNorms[a]!) / 2))
    embedding[a * D + 2 * rank] = e
    embedding[a * D + 2 * rank + 1] = -e
  }
  weights['gpt_neox.final_layer_norm.weight']!.data.fill(Math.sqrt(target / D + config.layerNormEps))
  return weights
}

/** log P(next = b | previous = a) for every (a, b), from a GPT-NeoX bigram decoder's weights alone (see bigramLogProbTable). */
export function gptNeoxClosedFormLogProbTable(config: GptNeoxConfig, weights: DecoderWeights): Float64Array {
  const norm = (name: string) => weights[`gpt_neox.final_layer_norm.${name}`]!.data
  return bigramLogProbTable(
    {
      vocabSize: config.vocabSize,
      hiddenSize: config.hiddenSize,
      zeroed: ZEROED,
      embedding: weights['gpt_neox.embed_in.weight']!.data,
      finalNorm: x => layerNormForward(x, norm('weight'), norm('bias'), config.layerNormEps),
      head: weights['embed_out.weight']!.data,
    },
    weights,
  )
}
