/**
 * The benchmark's workloads on a loaded model, each timed with tinybench and reduced to rates: perplexity
 * scoring under a window plan, multiple-choice scoring, and batch-1 greedy decoding.
 */
import { planNll } from '../scoring/perplexity.ts'
import type { LoglikelihoodRequest } from '../scoring/scorer.ts'
import { windowRow, type ScoringWindow } from '../scoring/windows.ts'
import type { LanguageModel } from '../models/language-model.ts'
import { forwardFlops, type WeightCounts } from './flops.ts'
import { timeCall, type Timing, type TimingOptions } from '../core/timing.ts'

/** The weight counts of a loaded model: Kaplan's non-embedding count and the LM head (vocabulary × hidden). */
export function weightCounts(model: LanguageModel): WeightCounts {
  const vocab = Number(model.config.vocab_size)
  const hidden = Number(model.config.hidden_size)
  if (!(vocab > 0 && hidden > 0)) throw new Error(`model ${model.id}: config.json needs vocab_size and hidden_size to count FLOPs`)
  return { nonEmbedding: model.parameters.nonEmbedding, lmHead: vocab * hidden }
}

export interface ScoringRate {
  /** Positions the windows feed the model (overlap included). */
  readonly tokensProcessed: number
  readonly timing: Timing
  readonly tokensPerSecond: number
  /** forwardFlops over the processed tokens per second, in GFLOP/s. */
  readonly gflops: number
  /** Total NLL, to check that every method scored the same thing. */
  readonly nll: number
}

/** Scores `tokens` under `plan` with the model's own batching; tokens/s and achieved GFLOP/s. */
export async function measurePerplexityScoring(
  model: LanguageModel,
  tokens: readonly number[],
  plan: readonly ScoringWindow[],
  options: TimingOptions = {},
): Promise<ScoringRate> {
  const tokensProcessed = plan.reduce((sum, window) => sum + windowRow(tokens, window, model.specialTokens.prefix).tokens.length - 1, 0)
  const batch = { batchSize: model.options.batchSize, padTokenId: model.specialTokens.pad, prefixTokenId: model.specialTokens.prefix }
  let nll = Number.NaN
  const timing = await timeCall(
    `perplexity ${model.id}`,
    async () => {
      nll = (await planNll(tokens, plan, model.scoreBatch, batch)).nll
    },
    { iterations: 3, ...options },
  )
  const tokensPerSecond = (tokensProcessed * 1000) / timing.medianMs
  return { tokensProcessed, timing, tokensPerSecond, gflops: (forwardFlops(weightCounts(model), tokensProcessed) * 1000) / timing.medianMs / 1e9, nll }
}

export interface MultipleChoiceRate {
  readonly requests: number
  /** Positions fed per pass over the requests (batch × width, padding included). */
  readonly positionsFed: number
  readonly timing: Timing
  readonly requestsPerSecond: number
  readonly logLikelihoods: readonly number[]
}

export async function measureMultipleChoice(
  model: LanguageModel,
  requests: readonly LoglikelihoodRequest[],
  options: TimingOptions = {},
): Promise<MultipleChoiceRate> {
  let positionsFed = 0
  let logLikelihoods: number[] = []
  const timing = await timeCall(
    `multiple choice ${model.id}`,
    async () => {
      const before = model.usage().positions
      logLikelihoods = (await model.loglikelihood(requests)).map(r => r.logLikelihood)
      positionsFed = model.usage().positions - before
    },
    { iterations: 3, ...options },
  )
  return { requests: requests.length, positionsFed, timing, requestsPerSecond: (requests.length * 1000) / timing.medianMs, logLikelihoods }
}

export interface DecodeRate {
  readonly promptTokens: number
  readonly newTokens: number
  /** The whole call: prefill (or every re-run) plus the new tokens. */
  readonly timing: Timing
  /**
   * With the cache, new tokens per second of the decode steps alone (a prefill-only call is timed and
   * subtracted); without it, new tokens over the whole call (every token re-runs the sequence).
   */
  readonly tokensPerSecond: number
  readonly tokens: readonly number[]
}

/** Greedy decoding of `newTokens` after `prompt` at batch 1, with the KV cache or re-running everything. */
export async function measureDecode(
  model: LanguageModel,
  prompt: readonly number[],
  newTokens: number,
  cache: boolean,
  options: TimingOptions = {},
): Promise<DecodeRate> {
  let tokens: number[] = []
  const timing = await timeCall(
    `decode ${model.id}`,
    async () => {
      tokens = await model.greedyDecode(prompt, newTokens, { cache })
    },
    { iterations: 3, ...options },
  )
  if (!cache) return { promptTokens: prompt.length, newTokens, timing, tokensPerSecond: (newTokens * 1000) / timing.medianMs, tokens }
  // The first new token comes from the prompt's forward pass, the other newTokens − 1 from decode steps.
  const prefill = await timeCall(`prefill ${model.id}`, () => model.greedyDecode(prompt, 1), { iterations: 3, ...options })
  const tokensPerSecond = ((newTokens - 1) * 1000) / Math.max(timing.medianMs - prefill.medianMs, Number.EPSILON)
  return { promptTokens: prompt.length, newTokens, timing, tokensPerSecond, tokens }
}
