/**
 * One paired comparison of per-item values over the same items (model vs model, run vs baseline): the mean
 * difference, its cluster bootstrap interval, its clustered standard error and the effect it could detect.
 */
import {
  clusteredStandardError,
  minimumDetectableEffect,
  pairedAccuracyStandardError,
  pairedBootstrapInterval,
  pairedDifferences,
  type PairedInterval,
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
