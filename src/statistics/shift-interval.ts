/**
 * The shift between two samples — Hodges–Lehmann's estimate (the median of every difference y − x) and its
 * distribution-free interval from the exact null distribution of the Mann–Whitney U statistic. It assumes only
 * that each sample's values are independent draws and the two differ by a shift, so a few values hit by a burst
 * of load move neither the estimate nor the interval by more than a rank or two.
 */
import { MIN_MEDIAN_VALUES } from './median-interval.ts'

export interface ShiftInterval {
  /** Median of the m·n differences `after[i] − before[j]`. */
  readonly shift: number
  readonly low: number
  readonly high: number
}

/** Fewest values per sample the gate compares (as for a median's interval: 6 per side). */
export const MIN_SHIFT_VALUES = MIN_MEDIAN_VALUES

export function shiftInterval(before: readonly number[], after: readonly number[], level = 0.95): ShiftInterval {
  const [m, n] = [before.length, after.length]
  if (m < MIN_SHIFT_VALUES || n < MIN_SHIFT_VALUES) {
    throw new Error(`shiftInterval: samples of ${m} and ${n} values; each needs at least ${MIN_SHIFT_VALUES}`)
  }
  const differences = after.flatMap(y => before.map(x => y - x)).sort((a, b) => a - b)
  const total = differences.length
  const shift = total % 2 ? differences[(total - 1) / 2]! : (differences[total / 2 - 1]! + differences[total / 2]!) / 2
  const c = mannWhitneyCritical(m, n, (1 - level) / 2)
  return { shift, low: differences[c - 1]!, high: differences[total - c]! }
}

/**
 * The largest c with P(U ≤ c − 1) ≤ tail under the null hypothesis (U counts the pairs with after > before):
 * the c-th smallest and c-th largest differences bound the shift with probability at least 1 − 2·tail.
 */
export function mannWhitneyCritical(m: number, n: number, tail: number): number {
  const counts = mannWhitneyCounts(m, n)
  const arrangements = counts.reduce((a, b) => a + b, 0)
  let below = 0
  let c = 0
  while (c < counts.length && below + counts[c]! <= tail * arrangements) below += counts[c++]!
  if (c === 0) throw new Error(`mannWhitneyCritical: samples of ${m} and ${n} are too small for a two-sided ${(1 - 2 * tail) * 100}% interval`)
  return c
}

/**
 * How many of the C(m + n, m) equally likely rank arrangements give each U = 0…m·n, by the recurrence on the
 * largest value: it belongs to the second sample (adding m to U) or to the first (adding nothing).
 */
export function mannWhitneyCounts(m: number, n: number): number[] {
  // table[j][u] for the first i values of the first sample against j of the second, i increasing.
  let table = Array.from({ length: n + 1 }, () => [1])
  for (let i = 1; i <= m; i++) {
    const next: number[][] = [[1]]
    for (let j = 1; j <= n; j++) {
      const withFirst = table[j]! // the largest of i + j values is from the first sample: U unchanged
      const withSecond = next[j - 1]! // from the second sample: it exceeds all i values of the first
      const row = new Array<number>(i * j + 1).fill(0)
      for (let u = 0; u < withFirst.length; u++) row[u]! += withFirst[u]!
      for (let u = 0; u < withSecond.length; u++) row[u + i]! += withSecond[u]!
      next.push(row)
    }
    table = next
  }
  return table[n]!
}
