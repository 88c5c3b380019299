/**
 * The three ways the field cuts a token stream into model windows for perplexity, as plans over stream
 * positions. A window feeds the model stream[inputStart, inputEnd) and scores stream[scoredStart, scoredEnd):
 * token t is predicted at input position t − 1 − inputStart, from every input token before it. Always
 * inputEnd = scoredEnd − 1 (the last token is predicted, never fed) and inputStart < scoredStart.
 * Position −1 (`PREFIX_POSITION`) stands for the prefix token placed before token 0 (rolling plan only).
 */
import type { ScoringRow } from './batching.ts'
import type { WindowMethod } from './scorer.ts'

export interface ScoringWindow {
  readonly inputStart: number
  readonly inputEnd: number
  readonly scoredStart: number
  readonly scoredEnd: number
}

export const PREFIX_POSITION = -1

export function methodWindows(tokenCount: number, method: WindowMethod): ScoringWindow[] {
  return method.type === 'sliding' ? slidingWindowPlan(tokenCount, method) : fixedChunkPlan(tokenCount, method.length)
}

/** Tokens per window as `method` declares it; a model scores it only if this fits its maximum length. */
export function methodWindowLength(method: WindowMethod): number {
  return method.type === 'sliding' ? method.maxLength : method.length
}

export interface SlidingWindowOptions {
  readonly maxLength: number
  readonly stride: number
}

/**
 * The Hugging Face docs' sliding window: begin = 0, stride, 2·stride, …; end = min(begin + maxLength, n);
 * each window scores stream[prev_end, end) and the loop stops once end = n. Token 0 is never
 * scored (nothing precedes it): encode the stream with BOS first and BOS is that unscored token, so every
 * text token is scored; without BOS the first text token is not. Every later token is scored exactly once.
 * One deviation: when stride = maxLength the docs' loop also leaves each window's first token unscored; here
 * that window starts one token earlier, so the token is predicted from the one before it (still ≤ maxLength).
 */
export function slidingWindowPlan(tokenCount: number, { maxLength, stride }: SlidingWindowOptions): ScoringWindow[] {
  requireInteger('maxLength', maxLength, 1)
  requireInteger('stride', stride, 1)
  if (stride > maxLength) {
    throw new Error(`stride ${stride} is larger than maxLength ${maxLength}: tokens between windows would never be scored`)
  }
  requireInteger('token count', tokenCount, 2, 'a sliding-window perplexity needs at least 2 tokens')
  const windows: ScoringWindow[] = []
  let previousEnd = 0
  for (let begin = 0; previousEnd < tokenCount; begin += stride) {
    const end = Math.min(begin + maxLength, tokenCount)
    const scoredStart = Math.max(previousEnd, 1)
    if (end > scoredStart) {
      windows.push({ inputStart: Math.min(begin, scoredStart - 1), inputEnd: end - 1, scoredStart, scoredEnd: end })
    }
    previousEnd = end
  }
  return windows
}

/**
 * lm-eval's rolling windows (get_rolling_token_windows with context_len 1, then make_disjoint_window): the
 * first window predicts tokens [0, min(L, n)) from [prefix] + tokens; each later one predicts the next
 * min(n − predicted, L) tokens from the L tokens that end one before its last token, so the last, partial
 * window takes extra left context and overlaps the previous one. Every token is scored exactly once.
 */
export function rollingWindowPlan(tokenCount: number, maxLength: number): ScoringWindow[] {
  requireInteger('maxLength', maxLength, 1)
  requireInteger('token count', tokenCount, 1, 'an empty document has nothing to score')
  const firstEnd = Math.min(maxLength, tokenCount)
  const windows: ScoringWindow[] = [{ inputStart: PREFIX_POSITION, inputEnd: firstEnd - 1, scoredStart: 0, scoredEnd: firstEnd }]
  for (let predicted = firstEnd; predicted < tokenCount; ) {
    const end = predicted + Math.min(tokenCount - predicted, maxLength)
    windows.push({ inputStart: end - maxLength - 1, inputEnd: end - 1, scoredStart: predicted, scoredEnd: end })
    predicted = end
  }
  return windows
}

/**
 * Non-overlapping chunks as in MobileLLM's eval.py: floor(n / chunkLength) chunks, the remainder dropped,
 * and in each chunk the chunkLength − 1 tokens after its first one scored (its first token has no context).
 */
export function fixedChunkPlan(tokenCount: number, chunkLength: number): ScoringWindow[] {
  requireInteger('chunkLength', chunkLength, 2)
  requireInteger('token count', tokenCount, chunkLength, `shorter than one ${chunkLength}-token chunk; the remainder is dropped, leaving nothing to score`)
  const windows: ScoringWindow[] = []
  for (let start = 0; start + chunkLength <= tokenCount; start += chunkLength) {
    windows.push({ inputStart: start, inputEnd: start + chunkLength - 1, scoredStart: start + 1, scoredEnd: start + chunkLength })
  }
  return windows
}

/** The scoring row that executes `window` over `tokens` (the prefix token fills position −1). */
export function windowRow(tokens: readonly number[], window: ScoringWindow, prefixTokenId?: number): ScoringRow {
  if (window.scoredEnd > tokens.length) {
    throw new Error(`window ends at token ${window.scoredEnd} but the stream has ${tokens.length} tokens`)
  }
  const scored = window.scoredEnd - window.scoredStart
  if (window.inputStart !== PREFIX_POSITION) return { tokens: tokens.slice(window.inputStart, window.scoredEnd), scored }
  if (prefixTokenId === undefined) throw new Error('this window starts with the prefix token: pass prefixTokenId')
  return { tokens: [prefixTokenId, ...tokens.slice(0, window.scoredEnd)], scored }
}

function requireInteger(name: string, value: number, minimum: number, why = ''): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be an integer ≥ ${minimum}, got ${value}${why === '' ? '' : `: ${why}`}`)
  }
}
