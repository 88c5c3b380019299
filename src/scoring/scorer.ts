/**
 * The contract between tasks and models: everything lmscale reports reduces to these calls, with lm-eval's
 * semantics (../shared/reference/lm-eval-spec.md §2) for the first two.
 */

/** One lm-eval `loglikelihood` request: the log-probability of `continuation` following `context`. */
export interface LoglikelihoodRequest {
  readonly context: string
  readonly continuation: string
}

export interface LoglikelihoodResult {
  /** Natural-log likelihood summed over the continuation tokens (fp32 log-softmax). */
  readonly logLikelihood: number
  /** Every continuation token is the argmax of its position's distribution. */
  readonly isGreedy: boolean
  /** How many tokens the continuation occupies after "encode whole, split at the context's length". */
  readonly continuationTokens: number
  /** Context tokens dropped by left truncation to the model's maximum length (0 when none). */
  readonly truncatedTokens: number
}

/** lm-eval `loglikelihood_rolling`: a whole document scored with disjoint windows, every token once. */
export interface RollingResult {
  readonly logLikelihood: number
  readonly tokens: number
}

/** One window of a token-perplexity plan: the stream position of its first scored token, the tokens it scored and their NLL. */
export interface WindowNll {
  readonly start: number
  readonly tokens: number
  /** Negative log-likelihood summed over the window's scored tokens, nats. */
  readonly nll: number
}

/** One text under a window method; perplexity, mean NLL and bits per byte are the caller's to derive. */
export interface TokenNll {
  /** Tokens scored (the method decides which: see windows.ts). */
  readonly tokens: number
  /** Negative log-likelihood summed over the scored tokens, nats. */
  readonly nll: number
  /** UTF-8 length of the text. */
  readonly bytes: number
  /**
   * Each window in stream order. Windows overlap in context but score disjoint tokens, so these partition the
   * text's scored tokens: summed in order they give `tokens` and, bit for bit, `nll`.
   */
  readonly windows: readonly WindowNll[]
}

/**
 * Called after each model batch with the units finished so far: requests for `loglikelihood`, windows for
 * `loglikelihoodRolling` and `tokenNll`, and the token positions run through the model so far (padding excluded).
 * `done` only grows and the last call has done === total.
 */
export type OnProgress = (done: number, total: number, tokens: number) => void

/** A token-perplexity window plan, declared: `methodWindows` turns it into windows once the stream's length is known. */
export type WindowMethod =
  /** The Hugging Face docs' sliding window (the prior study used 1024 / 512). */
  | { readonly type: 'sliding'; readonly maxLength: number; readonly stride: number }
  /** Non-overlapping chunks, remainder dropped (MobileLLM's eval.py uses 2048). */
  | { readonly type: 'chunks'; readonly length: number }

export interface Scorer {
  /** Names the model in errors and reports. */
  readonly id: string
  /** lm-eval's max_length: no window or request row is longer. */
  readonly maxLength: number
  /** Results come back in the order of `requests`, whatever batching happens inside. */
  loglikelihood(requests: readonly LoglikelihoodRequest[], onProgress?: OnProgress): Promise<LoglikelihoodResult[]>
  loglikelihoodRolling(documents: readonly string[], onProgress?: OnProgress): Promise<RollingResult[]>
  /** Token-level NLL of one text, encoded as the tokenizer does by default (BOS first if it adds one). */
  tokenNll(text: string, method: WindowMethod, onProgress?: OnProgress): Promise<TokenNll>
}
