/**
 * Decoder weights built in closed form from bigram statistics, so a model's exact log-likelihood of any
 * token sequence is known without running it.
 *
 * The token embedding and LM head hold a rank-r factorisation of the smoothed bigram log-probability table;
 * an extra embedding coordinate makes every row's RMS equal, and the final norm's weight undoes that RMS, so
 * logits(next | previous = a) = u_a · v_b exactly. The attention and MLP blocks are real and compute, but their
 * output projections (o_proj, down_proj) are zero: each block adds exactly 0 to the residual stream. Larger
 * ranks approximate the table better, so quality rises with size for a real reason.
 */
import { Matrix, SVD } from 'ml-matrix'
import type { DecoderWeights, WeightTensor } from './architecture.ts'
import { expectedWeightShapes, type DecoderConfig } from './config.ts'
import { seededRandom } from '../core/random.ts'
import { gaussian } from './random-weights.ts'
import { logSoftmax, rmsNormForward } from '../onnx/tensor-math.ts'

/** Counts of (previous, next) token pairs in token streams, V × V row-major. */
export function countBigrams(streams: Iterable<readonly number[]>, vocabSize: number): Float64Array {
  const counts = new Float64Array(vocabSize * vocabSize)
  for (const tokens of streams) {
    for (let i = 0; i + 1 < tokens.length; i++) counts[tokens[i]! * vocabSize + tokens[i + 1]!]! += 1
  }
  return counts
}

/**
 * Witten–Bell interpolation with an add-one unigram: P(b | a) = (C(a,b) + T(a)·P(b)) / (C(a) + T(a)), where T(a)
 * is the number of distinct successors of a. Rows never seen fall back to the unigram. Returns log P, V × V.
 */
export function smoothedBigramLogProbs(counts: Float64Array, vocabSize: number): Float64Array {
  const V = vocabSize
  const successorCounts = new Float64Array(V)
  let total = 0
  for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) successorCounts[b]! += counts[a * V + b]!
  for (const c of successorCounts) total += c
  const unigram = successorCounts.map(c => (c + 1) / (total + V))
  const logProbs = new Float64Array(V * V)
  for (let a = 0; a < V; a++) {
    let rowTotal = 0
    let distinct = 0
    for (let b = 0; b < V; b++) {
      rowTotal += counts[a * V + b]!
      if (counts[a * V + b]! > 0) distinct++
    }
    for (let b = 0; b < V; b++) {
      const p = rowTotal === 0 ? unigram[b]! : (counts[a * V + b]! + distinct * unigram[b]!) / (rowTotal + distinct)
      logProbs[a * V + b] = Math.log(p)
    }
  }
  return logProbs
}

export interface LowRankFactors {
  /** V × rank: the rows u_a. */
  readonly left: Matrix
  /** V × rank: the rows v_b. */
  readonly right: Matrix
}

/** Truncated SVD of the row-centred log table (softmax ignores a constant per row), split evenly: U√S, V√S. */
export function lowRankFactors(svd: SVD, vocabSize: number, rank: number): LowRankFactors {
  if (rank > vocabSize) throw new Error(`rank ${rank} exceeds the vocabulary size ${vocabSize}`)
  const scale = svd.diagonal.slice(0, rank).map(Math.sqrt)
  const scaled = (m: Matrix) => m.subMatrix(0, vocabSize - 1, 0, rank - 1).mulRowVector(scale)
  return { left: scaled(svd.leftSingularVectors), right: scaled(svd.rightSingularVectors) }
}

/** The SVD that every rank of a family shares. */
export function centredLogTableSvd(logProbs: Float64Array, vocabSize: number): SVD {
  const table = new Matrix(vocabSize, vocabSize)
  for (let a = 0; a < vocabSize; a++) {
    let mean = 0
    for (let b = 0; b < vocabSize; b++) mean += logProbs[a * vocabSize + b]! / vocabSize
    for (let b = 0; b < vocabSize; b++) table.set(a, b, logProbs[a * vocabSize + b]! - mean)
  }
  return new SVD(table, { autoTranspose: true })
}

/** Decoder weights realising the factors exactly (see the module comment); attention weights are seeded random. */
export function bigramDecoderWeights(config: DecoderConfig, factors: LowRankFactors, seed: number): DecoderWeights {
  const { vocabSize: V, hiddenSize: D } = config
  const rank = factors.left.columns
  if (D < rank + 1) throw new Error(`hiddenSize ${D} must exceed the rank ${rank} by at least one (the norm-equalising coordinate)`)
  const normal = gaussian(seededRandom(seed).uniform)
  const weights: Record<string, WeightTensor> = {}
  for (const [name, shape] of expectedWeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (shape.length === 1) data.fill(1)
    else if (!/o_proj|down_proj|embed_tokens|lm_head/.test(name)) data.forEach((_, i) => (data[i] = normal() / Math.sqrt(shape[1]!)))
    weights[name] = { data, shape }
  }

  const embedding = weights['model.embed_tokens.weight']!.data
  const head = weights['lm_head.weight']!.data
  let maxSquaredNorm = 0
  for (let a = 0; a < V; a++) {
    let squared = 0
    for (let c = 0; c < rank; c++) {
      embedding[a * D + c] = factors.left.get(a, c)
      head[a * D + c] = factors.right.get(a, c)
      squared += embedding[a * D + c]! ** 2
    }
    maxSquaredNorm = Math.max(maxSquaredNorm, squared)
  }
  const target = 1.25 * maxSquaredNorm // every row gets this squared norm, so every row has the same RMS
  for (let a = 0; a < V; a++) {
    let squared = 0
    for (let c = 0; c < rank; c++) squared += embedding[a * D + c]! ** 2
    embedding[a * D + rank] = Math.sqrt(target - squared)
  }
  weights['model.norm.weight']!.data.fill(Math.sqrt(target / D + config.rmsNormEps))
  return weights
}

/** What the closed form reads from a bigram decoder's weights. */
export interface BigramReadout {
  readonly vocabSize: number
  readonly hiddenSize: number
  /** Tensors that must be zero for every block to add nothing to the residual stream. */
  readonly zeroed: RegExp
  readonly embedding: Float32Array
  /** The final norm applied to a residual-stream row. */
  readonly finalNorm: (x: Float64Array) => Float64Array
  /** The LM head, [vocabSize, hiddenSize]. */
  readonly head: Float32Array
}

/**
 * log P(next = b | previous = a) for every (a, b), computed from the weights alone in float64 (V × V).
 * Valid only when every block adds nothing to the residual stream; that is checked, not assumed.
 */
export function bigramLogProbTable(readout: BigramReadout, weights: DecoderWeights): Float64Array {
  for (const [name, tensor] of Object.entries(weights)) {
    if (readout.zeroed.test(name) && tensor.data.some(v => v !== 0)) {
      throw new Error(`closed form needs zero output projections, but ${name} is not zero`)
    }
  }
  const { vocabSize: V, hiddenSize: D, embedding, head } = readout
  const table = new Float64Array(V * V)
  const logits = new Float64Array(V)
  for (let a = 0; a < V; a++) {
    const h = readout.finalNorm(Float64Array.from(embedding.subarray(a * D, (a + 1) * D)))
    for (let b = 0; b < V; b++) {
      let dot = 0
      for (let c = 0; c < D; c++) dot += h[c]! * head[b * D + c]!
      logits[b] = dot
    }
    table.set(logSoftmax(logits), a * V)
  }
  return table
}

/** The closed-form table of a LLaMA bigram decoder (see bigramLogProbTable). */
export function closedFormLogProbTable(config: DecoderConfig, weights: DecoderWeights): Float64Array {
  const embedding = weights['model.embed_tokens.weight']!.data
  return bigramLogProbTable(
    {
      vocabSize: config.vocabSize,
      hiddenSize: config.hiddenSize,
      zeroed: /o_proj|down_proj/,
      embedding,
      finalNorm: x => rmsNormForward(x, weights['model.norm.weight']!.data, config.rmsNormEps),
      head: config.tieWordEmbeddings ? embedding : weights['lm_head.weight']!.data,
    },
    weights,
  )
}

/** Σ log P(tokens[i] | tokens[i-1]) over i in [from, to), from the closed-form table. */
export function closedFormLogLikelihood(table: Float64Array, vocabSize: number, tokens: readonly number[], from = 1, to = tokens.length): number {
  let sum = 0
  for (let i = Math.max(from, 1); i < to; i++) sum += table[tokens[i - 1]! * vocabSize + tokens[i]!]!
  return sum
}
