/**
 * Perplexity from window plans: run a plan through the batched scorer, then aggregate to token-level PPL,
 * mean NLL in nats and bits per byte (one token stream), or to lm-eval's corpus-level word_perplexity,
 * byte_perplexity and bits_per_byte (documents; lm-eval-spec.md §1.7, §2.4).
 */
import { scoreRows, sumLogProbs, type BatchOptions, type ScoreBatch } from './batching.ts'
import type { RollingResult } from './scorer.ts'
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

/** Scores one token stream with a plan; windows are summed in plan order, whatever order they ran in. */
export async function planNll(
  tokens: readonly number[],
  plan: readonly ScoringWindow[],
  scoreBatch: ScoreBatch,
  options: BatchOptions & PrefixOptions,
): Promise<NllTotal> {
  const rows = plan.map((window) => windowRow(tokens, window, options.prefixTokenId))
  const scores = await scoreRows(rows, scoreBatch, options, (index) => `window ${index} (tokens ${plan[index]!.scoredStart}–${plan[index]!.scoredEnd - 1})`)
  let nll = 0
  let count = 0
  scores.forEach((score, index) => {
    nll -= sumLogProbs(score)
    count += rows[index]!.scored
  })
  return { nll, tokens: count }
}

/**
 * lm-eval's loglikelihood_rolling: each document's rolling windows (prefix token, context 1), all documents'
 * windows batched together as lm-eval ≥ 0.4.7 does, log-likelihood summed per document in window order.
 */
export async function rollingLoglikelihoods(
  documents: readonly (readonly number[])[],
  scoreBatch: ScoreBatch,
  options: BatchOptions & { readonly maxLength: number; readonly prefixTokenId: number },
): Promise<RollingResult[]> {
  const owners: { document: number; window: number }[] = []
  const rows = documents.flatMap((tokens, document) => {
    let plan: ScoringWindow[]
    try {
      plan = rollingWindowPlan(tokens.length, options.maxLength)
    } catch (error) {
      throw new Error(`document ${document}: ${(error as Error).message}`)
    }
    return plan.map((window, index) => {
      owners.push({ document, window: index })
      return windowRow(tokens, window, options.prefixTokenId)
    })
  })
  const describe = (index: number): string => `document ${owners[index]!.document}, rolling window ${owners[index]!.window}`
  const scores = await scoreRows(rows, scoreBatch, options, describe)
  const logLikelihoods = documents.map(() => 0)
  scores.forEach((score, index) => {
    logLikelihoods[owners[index]!.document]! += sumLogProbs(score)
  })
  return documents.map((tokens, document) => ({ logLikelihood: logLikelihoods[document]!, tokens: tokens.length }))
}

export interface TokenPerplexity {
  readonly tokens: number
  /** Total negative log-likelihood, nats. */
  readonly nll: number
  /** Mean NLL per scored token, nats (the cross-entropy loss). */
  readonly meanNll: number
  /** exp(meanNll). For equal-length chunks this equals MobileLLM's exp(mean of chunk losses). */
  readonly perplexity: number
  readonly bytes: number
  /** nll / (bytes · ln 2), with `bytes` the UTF-8 length of the text the stream encodes. */
  readonly bitsPerByte: number
}

export function tokenPerplexity({ nll, tokens }: NllTotal, textBytes: number): TokenPerplexity {
  if (!Number.isInteger(tokens) || tokens < 1) throw new Error(`token perplexity needs at least one scored token, got ${tokens}`)
  if (!Number.isInteger(textBytes) || textBytes < 1) throw new Error(`bits per byte needs the text's byte count (≥ 1), got ${textBytes}`)
  if (!Number.isFinite(nll)) throw new Error(`total NLL is ${nll}`)
  const meanNll = nll / tokens
  return { tokens, nll, meanNll, perplexity: Math.exp(meanNll), bytes: textBytes, bitsPerByte: nll / (textBytes * Math.LN2) }
}

/** One document's lm-eval rolling log-likelihood with the word and UTF-8 byte counts of its original page. */
export interface DocumentLoglikelihood {
  readonly logLikelihood: number
  readonly words: number
  readonly bytes: number
}

/** lm-eval word_perplexity: exp(−Σ LL / Σ words), a corpus-level ratio, not a mean over documents. */
export function wordPerplexity(documents: readonly DocumentLoglikelihood[]): number {
  return Math.exp(-totalLoglikelihood(documents) / total(documents, 'words'))
}

/** lm-eval byte_perplexity: exp(−Σ LL / Σ bytes). */
export function bytePerplexity(documents: readonly DocumentLoglikelihood[]): number {
  return Math.exp(-totalLoglikelihood(documents) / total(documents, 'bytes'))
}

/** lm-eval bits_per_byte: −Σ LL / (Σ bytes · ln 2). */
export function bitsPerByte(documents: readonly DocumentLoglikelihood[]): number {
  return -totalLoglikelihood(documents) / (total(documents, 'bytes') * Math.LN2)
}

function totalLoglikelihood(documents: readonly DocumentLoglikelihood[]): number {
  if (documents.length === 0) throw new Error('corpus perplexity needs at least one document')
  return documents.reduce((sum, document) => sum + document.logLikelihood, 0)
}

function total(documents: readonly DocumentLoglikelihood[], field: 'words' | 'bytes'): number {
  const sum = documents.reduce((acc, document) => acc + document[field], 0)
  if (!(sum > 0)) throw new Error(`corpus perplexity: the documents' ${field} add up to ${sum}; it must be positive`)
  return sum
}
