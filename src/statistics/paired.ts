/**
 * Paired comparisons of per-item values over the same items (a run against its baseline, one model against
 * another): the mean difference with a standard error that respects declared clusters of items (documents that
 * share a passage are not independent), a percentile bootstrap interval that resamples whole clusters, and the
 * minimum detectable effect at the comparison's size and noise.
 */
import { quantile } from 'simple-statistics'
import { seededRandom } from '../core/random.ts'
import { normalQuantile } from './normal.ts'

export interface PairedOptions {
  /** Each item's cluster (e.g. the index of its passage); every item is its own cluster when absent. */
  readonly clusters?: readonly number[]
  /** Two-sided level of the interval, 0.95 unless given. */
  readonly level?: number
}

export interface BootstrapOptions extends PairedOptions {
  readonly samples: number
  readonly seed: number
}

export interface PairedInterval {
  /** Mean of current − baseline over the items. */
  readonly difference: number
  readonly low: number
  readonly high: number
  readonly level: number
  /** Items and clusters the difference is over. */
  readonly n: number
  readonly clusters: number
}

/** current − baseline per item, refusing lists of different lengths (they are not the same items). */
export function pairedDifferences(baseline: readonly number[], current: readonly number[]): number[] {
  if (baseline.length !== current.length) throw new Error(`paired items differ in number: baseline ${baseline.length}, current ${current.length}`)
  return current.map((value, i) => value - (baseline[i] as number))
}

/** Item indices grouped by cluster, in order of first appearance. */
export function clusterGroups(n: number, clusters?: readonly number[]): number[][] {
  if (clusters === undefined) return Array.from({ length: n }, (_, i) => [i])
  if (clusters.length !== n) throw new Error(`need one cluster per item: got ${clusters.length} for ${n} items`)
  const groups = new Map<number, number[]>()
  clusters.forEach((cluster, i) => {
    const group = groups.get(cluster)
    if (group) group.push(i)
    else groups.set(cluster, [i])
  })
  return [...groups.values()]
}

function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of no items')
  return values.reduce((sum, v) => sum + v, 0) / values.length
}

/**
 * Standard error of the mean, cluster-robust (CR1): sqrt(G / (G − 1) · Σ_g (Σ_{i∈g} (x_i − x̄))²) / n. With one item
 * per cluster it is the usual sqrt(Σ(x − x̄)² / (n − 1)) / sqrt(n); items of one cluster that move together
 * widen it. Undefined for fewer than two clusters.
 */
export function clusteredStandardError(values: readonly number[], clusters?: readonly number[]): number | undefined {
  const groups = clusterGroups(values.length, clusters)
  const g = groups.length
  if (g < 2) return undefined
  const centre = mean(values)
  const sumOfSquares = groups.reduce((sum, group) => sum + group.reduce((s, i) => s + (values[i] as number) - centre, 0) ** 2, 0)
  return Math.sqrt((g / (g - 1)) * sumOfSquares) / values.length
}

/**
 * Percentile bootstrap interval of the mean of paired differences: each replicate draws G clusters with
 * replacement (each item alone when no clusters are declared) and takes the mean of the items drawn.
 */
export function pairedBootstrapInterval(differences: readonly number[], options: BootstrapOptions): PairedInterval {
  const level = options.level ?? 0.95
  if (!(Number.isInteger(options.samples) && options.samples >= 100))
    throw new Error(`paired bootstrap: samples must be an integer ≥ 100, got ${options.samples}`)
  const groups = clusterGroups(differences.length, options.clusters)
  const sums = groups.map(group => group.reduce((s, i) => s + (differences[i] as number), 0))
  const sizes = groups.map(group => group.length)
  const random = seededRandom(options.seed)
  const replicates = new Float64Array(options.samples)
  for (let b = 0; b < options.samples; b++) {
    let total = 0
    let count = 0
    for (let k = 0; k < groups.length; k++) {
      const pick = random.integer(groups.length)
      total += sums[pick] as number
      count += sizes[pick] as number
    }
    replicates[b] = total / count
  }
  const sorted = [...replicates]
  const tail = (1 - level) / 2
  return {
    difference: mean(differences),
    low: quantile(sorted, tail),
    high: quantile(sorted, 1 - tail),
    level,
    n: differences.length,
    clusters: groups.length,
  }
}

/** Normal interval of the mean paired difference from its clustered standard error. */
export function pairedNormalInterval(differences: readonly number[], options: PairedOptions = {}): PairedInterval {
  const level = options.level ?? 0.95
  const se = clusteredStandardError(differences, options.clusters)
  if (se === undefined) throw new Error('a paired interval needs at least two clusters of items')
  const z = normalQuantile(1 - (1 - level) / 2)
  const difference = mean(differences)
  return {
    difference,
    low: difference - z * se,
    high: difference + z * se,
    level,
    n: differences.length,
    clusters: clusterGroups(differences.length, options.clusters).length,
  }
}

/**
 * The smallest true difference a two-sided test at `alpha` detects with probability `power`, given the standard
 * error the comparison will have: (z_{1−α/2} + z_{power}) · SE. For paired 0/1 accuracy the SE at no change is
 * sqrt(discordance rate / n), the McNemar test's own scale.
 */
export function minimumDetectableEffect(standardError: number, alpha = 0.05, power = 0.8): number {
  if (!(standardError >= 0)) throw new Error(`minimum detectable effect: standard error must be ≥ 0, got ${standardError}`)
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * standardError
}

/** SE of a paired 0/1 accuracy difference under no change: each item differs by ±1 with probability d / n, so sqrt(d) / n. */
export function pairedAccuracyStandardError(discordant: number, n: number): number {
  if (!(n > 0)) throw new Error(`paired accuracy: n must be positive, got ${n}`)
  return Math.sqrt(discordant) / n
}

export interface RatioInterval {
  /** Current over baseline perplexity: exp((Σ NLL_now − Σ NLL_base) / Σ units). */
  readonly ratio: number
  readonly low: number
  readonly high: number
  readonly level: number
  readonly documents: number
}

/**
 * Paired percentile-bootstrap interval of a corpus perplexity's ratio (run over baseline) from per-document (or
 * per-window) NLLs of the same documents: each replicate resamples documents and recomputes both corpus ratios,
 * so long documents weigh as they do in the perplexity itself.
 */
export function pairedPerplexityRatio(
  baselineNll: readonly number[],
  currentNll: readonly number[],
  units: readonly number[],
  options: { readonly samples: number; readonly seed: number; readonly level?: number },
): RatioInterval {
  const level = options.level ?? 0.95
  const n = units.length
  if (baselineNll.length !== n || currentNll.length !== n) {
    throw new Error(`paired perplexity: need one NLL per document on both sides, got ${baselineNll.length} and ${currentNll.length} for ${n} documents`)
  }
  if (!(Number.isInteger(options.samples) && options.samples >= 100))
    throw new Error(`paired perplexity: samples must be an integer ≥ 100, got ${options.samples}`)
  const differences = currentNll.map((value, i) => value - (baselineNll[i] as number))
  const logRatio = (pick: (k: number) => number): number => {
    let nll = 0
    let count = 0
    for (let k = 0; k < n; k++) {
      const i = pick(k)
      nll += differences[i] as number
      count += units[i] as number
    }
    return nll / count
  }
  const random = seededRandom(options.seed)
  const replicates = Array.from({ length: options.samples }, () => logRatio(() => random.integer(n)))
  const tail = (1 - level) / 2
  return {
    ratio: Math.exp(logRatio(k => k)),
    low: Math.exp(quantile(replicates, tail)),
    high: Math.exp(quantile(replicates, 1 - tail)),
    level,
    documents: n,
  }
}
