/**
 * The contract between tasks and models: everything lmscale reports reduces to these two calls,
 * with lm-eval's semantics (../shared/reference/lm-eval-spec.md §2).
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

export interface LoglikelihoodScorer {
  /** Results come back in the order of `requests`, whatever batching happens inside. */
  loglikelihood(requests: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]>
  loglikelihoodRolling(documents: readonly string[]): Promise<RollingResult[]>
}
