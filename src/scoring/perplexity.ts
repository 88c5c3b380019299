/**
 * Perplexity from window plans: run a plan through the batched scorer, summed per token stream (then
 * token-level PPL, mean NLL in nats and bits per byte) or per document (lm-eval's loglikelihood_rolling,
 * lm-eval-spec.md §2.4; word and byte perplexities over documents are task metrics, not computed here).
 */
import { progressCounter, scoreRows, sumLogProbs, type BatchOptions, type ScoreBatch } from './batching.ts'
import type { OnProgress, RollingResult, WindowNll } from './scorer.ts'
import { rollingWindowPlan, windowRow, type ScoringWindow } from './windows.ts'

/** Negative log-likelihood in nats summed over `tokens` scored tokens. */
export interface NllTotal {
  readonly nll: number
  readonly tokens: number
}

export interface PrefixOptions {
  /** The token at position −1 of rolling plans (lm-eval's prefix_token_id: BOS, else EOS). */
  readonly prefixTokenId?: number
}

/**
 * Scores one token stream with a plan: each window's NLL, and their total summed in plan order whatever order they
 * ran in (so the total is the same for any batch size). Progress counts windows.
 */
export async function planNll(
  tokens: readonly number[],
  plan: readonly ScoringWindow[],
  scoreBatch: ScoreBatch,
  options: BatchOptions & PrefixOptions,
  onProgress?: OnProgress,
): Promise<NllTotal & { readonly windows: WindowNll[] }> {
  const rows = plan.map(window => windowRow(tokens, window, options.prefixTokenId))
  const describe = (index: number): string => `window ${index} (tokens ${plan[index]!.scoredStart}–${plan[index]!.scoredEnd - 1})`
  const scores = await scoreRows(rows, scoreBatch, options, describe, progressCounter(rows.length, onProgress))
  let nll = 0
  let count = 0
  const windows = scores.map((score, index): WindowNll => {
    const window = { start: plan[index]!.scoredStart, tokens: rows[index]!.scored, nll: -sumLogProbs(score) }
    nll += window.nll
    count += window.tokens
    return window
  })
  return { nll, tokens: count, windows }
}

/**
 * lm-eval's loglikelihood_rolling: each document's rolling windows (prefix token, context 1), all documents'
 * windows batched together as lm-eval ≥ 0.4.7 does, log-likelihood summed per document in window order.
 * Progress counts windows: documents finish out of order, since batches mix them.
 */
export async function rollingLoglikelihoods(
  documents: readonly (readonly number[])[],
  scoreBatch: ScoreBatch,
  options: BatchOptions & { readonly maxLength: number; readonly prefixTokenId: number },
  onProgress?: OnProgress,
): Promise<RollingResult[]> {
  const owners: { document: number; window: number }[] = []
  const rows = documents.flatMap((tokens, document) => {
    let plan: ScoringWindow[]
    try {
      plan = rollingWindowPlan(tokens.length, options.maxLength)
    } catch (error) {
      throw new Error(`document ${document}: ${(error as Error).message}`, { cause: error })
    }
    return plan.map((window, index) => {
      owners.push({ document, window: index })
      return windowRow(tokens, window, options.prefixTokenId)
    })
  })
  const describe = (index: number): string => `document ${owners[index]!.document}, rolling window ${owners[index]!.window}`
  const scores = await scoreRows(rows, scoreBatch, options, describe, progressCounter(rows.length, onProgress))
  const logLikelihoods = documents.map(() => 0)
  scores.forEach((score, index) => {
    logLikelihoods[owners[index]!.document]! += sumLogProbs(score)
  })
  return documents.map((tokens, document) => ({ logLikelihood: logLikelihoods[document]!, tokens: tokens.length }))
}
