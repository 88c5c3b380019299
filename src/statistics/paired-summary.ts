/**
 * One paired comparison of per-item values over the same items (model vs model, run vs baseline): the mean
 * difference, its cluster bootstrap interval, its clustered standard error and the effect it could detect.
 */
import { longRunVariance } from './long-run-variance.ts'
import { normalQuantile } from './normal.ts'
import {
  clusteredStandardError,
  minimumDetectableEffect,
  pairedAccuracyStandardError,
  pairedBootstrapInterval,
  pairedDifferences,
  pairedPerplexityRatio,
  type PairedInterval,
  type RatioInterval,
} from './paired.ts'

/** Replicates of the paired bootstrap: enough for stable 95% ends, cheap beside a case's scoring. */
export const BOOTSTRAP_SAMPLES = 2000

export interface PairedSummary {
  readonly interval: PairedInterval
  /** Clustered standard error of the mean difference (undefined with fewer than two clusters). */
  readonly standardError: number | undefined
  /** The smallest difference detectable at 80% power, two-sided α = 0.05, at this comparison's size and noise. */
  readonly mde: number | undefined
}

/**
 * `before` and `after` per item; `clusters` when the task declares a cluster key. For 0/1 accuracies pass
 * `binary`: the MDE then uses the discordance rate (the McNemar test's scale under no change).
 */
export function pairedSummary(
  before: readonly number[],
  after: readonly number[],
  options: { clusters?: readonly number[]; binary?: boolean } = {},
): PairedSummary {
  const differences = pairedDifferences(before, after)
  const clusters = options.clusters ? { clusters: options.clusters } : {}
  const interval = pairedBootstrapInterval(differences, { samples: BOOTSTRAP_SAMPLES, seed: differences.length, ...clusters })
  const standardError = clusteredStandardError(differences, options.clusters)
  const discordant = differences.filter(d => d !== 0).length
  const mdeScale = options.binary && !options.clusters ? pairedAccuracyStandardError(discordant, differences.length) : standardError
  return { interval, standardError, mde: mdeScale === undefined ? undefined : minimumDetectableEffect(mdeScale) }
}

/** A per-word or per-byte perplexity's ratio over the same documents: separate pages, resampled one by one. */
export function documentPerplexityRatio(baselineNll: readonly number[], currentNll: readonly number[], units: readonly number[]): RatioInterval {
  return pairedPerplexityRatio(baselineNll, currentNll, units, { samples: BOOTSTRAP_SAMPLES, seed: units.length })
}

export interface WindowRatioInterval extends RatioInterval {
  /** Lag-1 autocorrelation of neighbouring windows' contributions, which the interval accounts for. */
  readonly lag1: number
}

/**
 * A token perplexity's ratio over the same windows of one text, with a 95% interval that allows for dependence
 * between neighbouring windows. The windows score disjoint tokens, so the log ratio θ̂ = Σ ΔNLL / Σ tokens is a sum
 * over windows; but neighbours read overlapping context and the same stretch of text, so their contributions
 * c_w = ΔNLL_w − θ̂ · tokens_w are correlated, and resampling windows one by one would understate the noise. The
 * interval is θ̂ ± z · √(n · σ²_LR) / Σ tokens, with σ²_LR the prewhitened long-run variance of c (a HAC estimate);
 * undefined with fewer than 9 windows.
 */
export function windowPerplexityRatio(
  baselineNll: readonly number[],
  currentNll: readonly number[],
  tokens: readonly number[],
  level = 0.95,
): WindowRatioInterval | undefined {
  const n = tokens.length
  const differences = pairedDifferences(baselineNll, currentNll)
  if (differences.length !== n) throw new Error(`paired perplexity: need one token count per window, got ${n} for ${differences.length} windows`)
  if (n < 9) return undefined
  const total = tokens.reduce((a, b) => a + b, 0)
  const logRatio = differences.reduce((a, b) => a + b, 0) / total
  const { variance, lag1 } = longRunVariance(differences.map((d, i) => d - logRatio * (tokens[i] as number)))
  const half = (normalQuantile(1 - (1 - level) / 2) * Math.sqrt(n * variance)) / total
  return { ratio: Math.exp(logRatio), low: Math.exp(logRatio - half), high: Math.exp(logRatio + half), level, documents: n, lag1 }
}
