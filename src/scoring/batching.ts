/**
 * From token ids to model batches and back (lm-eval-spec.md §2.3).
 *
 * A `ScoringRow` asks for the log-probabilities of its last `scored` tokens, each given every token before it
 * in the row; the model is fed `tokens[:-1]`. Rows run longest first (lm-eval's Collator order) in
 * right-padded batches and the results come back in the caller's order. A row's values depend only on that
 * row and are summed here in a fixed order, so batch size and request order cannot change a result: that
 * part is up to the scoring callback, which must keep rows independent.
 */
import type { LoglikelihoodResult, OnProgress } from './scorer.ts'

export interface ScoringRow {
  /** The row's tokens; the model sees all but the last. */
  readonly tokens: readonly number[]
  /** How many trailing tokens are scored, 1 ≤ scored ≤ tokens.length − 1. */
  readonly scored: number
}

export interface ScoringBatch {
  readonly rows: readonly ScoringRow[]
  /**
   * Model input per row (its tokens without the last), right-padded with the pad id to `width`.
   * No attention mask is needed: causal attention never looks to the right (lm-eval passes none either).
   */
  readonly inputIds: readonly (readonly number[])[]
  /** Unpadded input length per row: row r's scored positions are [lengths[r] − rows[r].scored, lengths[r]). */
  readonly lengths: readonly number[]
  readonly width: number
}

export interface RowScores {
  /** Natural-log probability of each scored token, in row order (fp32 log-softmax on the model side). */
  readonly logProbs: ArrayLike<number>
  /** Whether each scored token is the argmax of its position's distribution. */
  readonly greedy: ArrayLike<boolean>
}

/** Scores one padded batch: one `RowScores` per row, in the batch's row order. */
export type ScoreBatch = (batch: ScoringBatch) => Promise<readonly RowScores[]>

export interface BatchOptions {
  readonly batchSize: number
  readonly padTokenId: number
}

export interface LengthOptions {
  /** The model's maximum input length (lm-eval's max_length). */
  readonly maxLength: number
}

/** A loglikelihood result plus what a continuation longer than max_length lost (lm-eval asserts instead). */
export interface ScoredRequest extends LoglikelihoodResult {
  /** Leading continuation tokens that could not be scored because the continuation exceeds max_length. */
  readonly droppedContinuationTokens: number
}

export interface RequestRow {
  readonly row: ScoringRow
  readonly truncatedTokens: number
  readonly droppedContinuationTokens: number
}

/**
 * lm-eval's input for one request: keep the last max_length + 1 tokens of context + continuation (left
 * truncation) and score the continuation's tokens inside that window. When the continuation alone is longer
 * than max_length, the context is gone entirely and only the continuation's last max_length tokens are
 * scored, the first one predicted from the continuation token before it; the rest are counted as dropped.
 */
export function requestRow(context: readonly number[], continuation: readonly number[], { maxLength }: LengthOptions): RequestRow {
  requirePositiveInteger('maxLength', maxLength)
  if (context.length === 0) throw new Error('a request needs at least one context token (the prefix token when the context is empty)')
  if (continuation.length === 0) throw new Error('a request needs at least one continuation token')
  const whole = [...context, ...continuation]
  const tokens = whole.slice(Math.max(0, whole.length - (maxLength + 1)))
  const scored = Math.min(continuation.length, tokens.length - 1)
  const contextKept = Math.max(0, tokens.length - continuation.length)
  return {
    row: { tokens, scored },
    truncatedTokens: context.length - contextKept,
    droppedContinuationTokens: continuation.length - scored,
  }
}

/** Indices in lm-eval's Collator order: longest first, equal lengths by ascending token tuple, then input order. */
export function collationOrder(sequences: readonly (readonly number[])[]): number[] {
  return sequences.map((_, index) => index).sort((a, b) => compareLongestFirst(sequences[a]!, sequences[b]!))
}

function compareLongestFirst(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return b.length - a.length
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!
  }
  return 0
}

/** Right-pads the model inputs of `rows` to the longest one. */
export function padBatch(rows: readonly ScoringRow[], padTokenId: number): ScoringBatch {
  const lengths = rows.map(row => row.tokens.length - 1)
  const width = Math.max(0, ...lengths)
  const inputIds = rows.map((row, r) => {
    const input = row.tokens.slice(0, lengths[r])
    while (input.length < width) input.push(padTokenId)
    return input
  })
  return { rows, inputIds, lengths, width }
}

/** Told how many units each finished batch completed and how many token positions (padding excluded) it ran. */
export type Finished = (units: number, tokens: number) => void

/**
 * Reports (done, total, tokens) to `onProgress` as units finish. One counter can span several passes (shared
 * contexts, then lone rows), so progress stays monotone across them.
 */
export function progressCounter(total: number, onProgress: OnProgress | undefined): Finished {
  let done = 0
  let tokens = 0
  return (units, positions) => {
    done += units
    tokens += positions
    onProgress?.(done, total, tokens)
  }
}

/**
 * Scores every row through `scoreBatch` in collated batches of `batchSize` and returns the scores in the
 * order of `rows`. `describe(i)` names row i in error messages; `finished` hears each batch's row count.
 */
export async function scoreRows(
  rows: readonly ScoringRow[],
  scoreBatch: ScoreBatch,
  { batchSize, padTokenId }: BatchOptions,
  describe: (index: number) => string = index => `row ${index}`,
  finished: Finished = () => {},
): Promise<RowScores[]> {
  requirePositiveInteger('batchSize', batchSize)
  rows.forEach((row, index) => checkRow(row, describe(index)))
  const order = collationOrder(rows.map(row => row.tokens))
  const results: RowScores[] = new Array<RowScores>(rows.length)
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.slice(start, start + batchSize)
    const batch = padBatch(
      indices.map(index => rows[index]!),
      padTokenId,
    )
    const scores = await scoreBatch(batch)
    if (scores.length !== indices.length) {
      throw new Error(`the scoring callback returned ${scores.length} results for a batch of ${indices.length} rows`)
    }
    indices.forEach((index, k) => {
      results[index] = checkedScores(scores[k]!, rows[index]!.scored, describe(index))
    })
    finished(
      indices.length,
      batch.lengths.reduce((sum, length) => sum + length, 0),
    )
  }
  return results
}

export const describeRequest = (index: number): string => `loglikelihood request ${index}`

/** Every pair's truncated row; an error names the request it came from. */
export function requestRows(
  pairs: readonly { readonly context: readonly number[]; readonly continuation: readonly number[] }[],
  options: LengthOptions,
): RequestRow[] {
  return pairs.map((pair, index) => {
    try {
      return requestRow(pair.context, pair.continuation, options)
    } catch (error) {
      throw new Error(`${describeRequest(index)}: ${(error as Error).message}`, { cause: error })
    }
  })
}

/** Scores encoded (context, continuation) pairs with lm-eval's truncation; results in the order of `pairs`. */
export async function scoreLoglikelihoods(
  pairs: readonly { readonly context: readonly number[]; readonly continuation: readonly number[] }[],
  scoreBatch: ScoreBatch,
  options: BatchOptions & LengthOptions,
  onProgress?: OnProgress,
): Promise<ScoredRequest[]> {
  const built = requestRows(pairs, options)
  const scores = await scoreRows(
    built.map(b => b.row),
    scoreBatch,
    options,
    describeRequest,
    progressCounter(built.length, onProgress),
  )
  return built.map((b, index) => scoredRequest(b, scores[index]!, pairs[index]!.continuation.length))
}

/** One request's result from its row's scores. */
export function scoredRequest(built: RequestRow, scores: RowScores, continuationTokens: number): ScoredRequest {
  return {
    logLikelihood: sumLogProbs(scores),
    isGreedy: Array.from(scores.greedy).every(Boolean),
    continuationTokens,
    truncatedTokens: built.truncatedTokens,
    droppedContinuationTokens: built.droppedContinuationTokens,
  }
}

/** Sum of a row's log-probabilities in position order (float64), so the total never depends on batching. */
export function sumLogProbs(scores: RowScores): number {
  let total = 0
  for (let i = 0; i < scores.logProbs.length; i++) total += scores.logProbs[i]!
  return total
}

function checkRow(row: ScoringRow, name: string): void {
  if (!Number.isInteger(row.scored) || row.scored < 1 || row.scored > row.tokens.length - 1) {
    throw new Error(`${name}: scored = ${row.scored} must be an integer from 1 to tokens.length − 1 = ${row.tokens.length - 1}`)
  }
}

/** Copies the callback's arrays (a model may reuse its buffers) and rejects wrong lengths and non-finite values. */
function checkedScores(scores: RowScores, scored: number, name: string): RowScores {
  if (scores.logProbs.length !== scored || scores.greedy.length !== scored) {
    throw new Error(
      `${name}: the scoring callback returned ${scores.logProbs.length} log-probs and ${scores.greedy.length} greedy flags for ${scored} scored tokens`,
    )
  }
  const logProbs = Array.from(scores.logProbs)
  const bad = logProbs.findIndex(value => !Number.isFinite(value))
  if (bad >= 0) throw new Error(`${name}: log-probability ${logProbs[bad]} at scored token ${bad} (of ${scored})`)
  return { logProbs, greedy: Array.from(scores.greedy) }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`)
}
