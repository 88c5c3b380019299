/**
 * The tests the gate uses, as pure functions: McNemar's exact test on paired correctness, Holm's step-down
 * adjustment across a run's tests, and a two-sided normal p-value for the unpaired fallback.
 */
import { errorFunction } from 'simple-statistics'

export interface DiscordantPairs {
  /** Items the baseline got right and the current run got wrong. */
  readonly worse: number
  /** Items the baseline got wrong and the current run got right. */
  readonly better: number
}

/** Counts the discordant pairs of two per-item correctness vectors over the same items. */
export function discordantPairs(baseline: readonly boolean[], current: readonly boolean[]): DiscordantPairs {
  if (baseline.length !== current.length) {
    throw new Error(`paired items differ in number: baseline ${baseline.length}, current ${current.length}`)
  }
  let worse = 0
  let better = 0
  for (let i = 0; i < baseline.length; i++) {
    if (baseline[i] && !current[i]) worse++
    else if (!baseline[i] && current[i]) better++
  }
  return { worse, better }
}

/**
 * Two-sided exact McNemar p-value: under no change, each of the b + c discordant pairs is equally likely to
 * go either way, so min(b, c) is the tail of Binomial(b + c, 1/2); the p-value doubles that tail (capped at 1).
 * Summed in log space so thousands of discordant pairs do not underflow 2^−n.
 */
export function mcnemarExactP(b: number, c: number): number {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`McNemar: ${name} must be a non-negative count, got ${v}`)
  }
  const n = b + c
  if (n === 0) return 1
  const k = Math.min(b, c)
  const logTerms: number[] = []
  let logChoose = 0 // log C(n, 0)
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i)
    logTerms.push(logChoose - n * Math.LN2)
  }
  const top = Math.max(...logTerms)
  const tail = Math.exp(top) * logTerms.reduce((sum, t) => sum + Math.exp(t - top), 0)
  return Math.min(1, 2 * tail)
}

/**
 * Holm's step-down adjusted p-values, in the input's order: controls the chance of any false alarm across
 * all the run's tests at the chosen level, whatever their dependence (acc and acc_norm are strongly tied).
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p)
  const adjusted = new Array<number>(m)
  let running = 0
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p))
    adjusted[i] = running
  })
  return adjusted
}

/** Two-sided p-value of a standard normal statistic (simple-statistics' erf is good to about 1e−7). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)))
}
