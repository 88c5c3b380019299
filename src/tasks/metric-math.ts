/**
 * lm-eval's metrics (spec §0, §1.7), as pure functions over numbers: per-document acc / acc_norm, their mean
 * and standard error, and the corpus-level perplexities of rolling tasks.
 */
import { sampleStandardDeviation } from 'simple-statistics'

/** Python `len()` of a string: Unicode code points, not UTF-16 units, not bytes. */
export function codePointLength(text: string): number {
  return [...text].length
}

/** `np.argmax`: the first maximal index wins ties, and (as in numpy) the first NaN counts as the maximum. */
export function argmaxFirst(values: readonly number[]): number {
  if (values.length === 0) throw new Error('argmax of an empty list')
  let best = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (Number.isNaN(value)) return i
    if (value > (values[best] as number)) best = i
  }
  return best
}

/** acc for one document: 1 when the highest log-likelihood is the gold choice. */
export function accuracy(logLikelihoods: readonly number[], gold: number): 0 | 1 {
  return argmaxFirst(logLikelihoods) === gold ? 1 : 0
}

/** acc_norm for one document: log-likelihood per code point of the choice (the leading space not counted). */
export function normalizedAccuracy(logLikelihoods: readonly number[], choices: readonly string[], gold: number): 0 | 1 {
  if (choices.length !== logLikelihoods.length) {
    throw new Error(`acc_norm needs one choice per log-likelihood: got ${choices.length} and ${logLikelihoods.length}`)
  }
  return accuracy(
    logLikelihoods.map((ll, i) => ll / codePointLength(choices[i] as string)),
    gold,
  )
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty list')
  return values.reduce((sum, v) => sum + v, 0) / values.length
}

/**
 * Standard error of the mean with Bessel's correction, sqrt(Σ(x − x̄)² / (n − 1)) / sqrt(n); for 0/1 data that is
 * sqrt(p(1 − p) / (n − 1)). Undefined (lm-eval's "N/A") for fewer than two values.
 */
export function meanStderr(values: readonly number[]): number | undefined {
  if (values.length < 2) return undefined
  return sampleStandardDeviation([...values]) / Math.sqrt(values.length)
}

function negativeLogLikelihoodPer(logLikelihoods: readonly number[], units: readonly number[], unit: string): number {
  if (logLikelihoods.length !== units.length) {
    throw new Error(`need one ${unit} count per document: got ${units.length} for ${logLikelihoods.length} documents`)
  }
  const total = units.reduce((sum, v) => sum + v, 0)
  if (!(total > 0)) throw new Error(`total ${unit} count must be positive, got ${total}`)
  return -logLikelihoods.reduce((sum, v) => sum + v, 0) / total
}

/** exp(−Σ LL_d / Σ words_d), a corpus-level ratio (not a mean of per-document values). */
export function wordPerplexity(logLikelihoods: readonly number[], words: readonly number[]): number {
  return Math.exp(negativeLogLikelihoodPer(logLikelihoods, words, 'word'))
}

/** exp(−Σ LL_d / Σ bytes_d). */
export function bytePerplexity(logLikelihoods: readonly number[], bytes: readonly number[]): number {
  return Math.exp(negativeLogLikelihoodPer(logLikelihoods, bytes, 'byte'))
}

/** −Σ LL_d / (Σ bytes_d · ln 2). */
export function bitsPerByte(logLikelihoods: readonly number[], bytes: readonly number[]): number {
  return negativeLogLikelihoodPer(logLikelihoods, bytes, 'byte') / Math.LN2
}

/** Softmax of the choices' log-likelihoods: the probability mass the model puts on each choice, renormalised over the choices. */
export function choiceProbabilities(logLikelihoods: readonly number[]): number[] {
  if (logLikelihoods.length === 0) throw new Error('choice probabilities of an empty list')
  const top = Math.max(...logLikelihoods)
  const weights = logLikelihoods.map(ll => Math.exp(ll - top))
  const total = weights.reduce((sum, w) => sum + w, 0)
  return weights.map(w => w / total)
}

/** The probability mass on the gold choice, normalised over the choices. */
export function goldProbability(logLikelihoods: readonly number[], gold: number): number {
  return choiceProbabilities(logLikelihoods)[gold] as number
}

/** Log-likelihood of the gold choice minus the best wrong choice's, in nats: positive exactly when acc is 1 (ties aside). */
export function goldMargin(logLikelihoods: readonly number[], gold: number): number {
  if (logLikelihoods.length < 2) throw new Error('a margin needs at least two choices')
  return (logLikelihoods[gold] as number) - Math.max(...logLikelihoods.filter((_, i) => i !== gold))
}

/** Brier score over the choices: Σ_i (p_i − [i = gold])², 0 for certainty on the gold choice, 2 for certainty on a wrong one. */
export function brierScore(logLikelihoods: readonly number[], gold: number): number {
  return choiceProbabilities(logLikelihoods).reduce((sum, p, i) => sum + (p - (i === gold ? 1 : 0)) ** 2, 0)
}

/** The gold continuation's log-likelihood per token (nats; the continuation's own tokens, as scored). */
export function goldLogLikelihoodPerToken(logLikelihoods: readonly number[], continuationTokens: readonly number[], gold: number): number {
  const tokens = continuationTokens[gold]
  if (tokens === undefined || !(tokens > 0)) throw new Error(`the gold continuation must have at least one token, got ${tokens}`)
  return (logLikelihoods[gold] as number) / tokens
}
