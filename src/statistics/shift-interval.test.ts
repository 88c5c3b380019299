import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { mannWhitneyCounts, mannWhitneyCritical, shiftInterval } from './shift-interval.ts'

/** U of every way to choose which m of m + n distinct ranks belong to the first sample: the null by enumeration. */
function enumeratedCounts(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0)
  for (let mask = 0; mask < 1 << (m + n); mask++) {
    let bits = 0
    for (let r = 0; r < m + n; r++) bits += (mask >> r) & 1
    if (bits !== m) continue
    let u = 0
    for (let y = 0; y < m + n; y++) {
      if ((mask >> y) & 1) continue // y is in the second sample; count first-sample ranks below it
      for (let x = 0; x < y; x++) u += (mask >> x) & 1
    }
    counts[u]!++
  }
  return counts
}

describe('Mann–Whitney null distribution', () => {
  test.each([
    [3, 4],
    [5, 4],
    [6, 6],
    [7, 5],
  ])('counts for samples of %i and %i equal an enumeration of all rank arrangements', (m, n) => {
    expect(mannWhitneyCounts(m, n)).toEqual(enumeratedCounts(m, n))
  })

  // Two-sided 5%: the published tables' U ≤ 5 for 6 and 6, ≤ 13 for 8 and 8, ≤ 23 for 10 and 10; scipy 1.17's exact
  // distribution (scipy.stats._mannwhitneyu._MWU) gives ≤ 31 for 8 and 16.
  test("critical values are the tables' and scipy's", () => {
    // The interval keeps the (critical + 1)-th smallest and largest differences.
    expect(mannWhitneyCritical(6, 6, 0.025)).toBe(6)
    expect(mannWhitneyCritical(8, 8, 0.025)).toBe(14)
    expect(mannWhitneyCritical(10, 10, 0.025)).toBe(24)
    expect(mannWhitneyCritical(8, 16, 0.025)).toBe(32)
  })
})

describe('shiftInterval', () => {
  test('the estimate is the median of the pairwise differences', () => {
    const before = [0, 1, 2, 3, 4, 5]
    const after = before.map(x => x + 10)
    const { shift, low, high } = shiftInterval(before, after)
    expect(shift).toBe(10)
    // Differences 10 + (i − j), i, j in 0…5; the 6th smallest of the 36 is 10 − 3 and the 6th largest 10 + 3.
    expect([low, high]).toEqual([7, 13])
  })

  test('covers a known shift of heavy-tailed samples 95% of the time', () => {
    const random = seededRandom(20261202)
    // Laplace noise plus, now and then, a burst five times as large on one value.
    const draw = () => {
      const u = random.uniform() - 0.5
      const laplace = -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)) * 0.1
      return random.uniform() < 0.1 ? laplace + 0.5 * random.uniform() : laplace
    }
    let covered = 0
    const runs = 2000
    for (let run = 0; run < runs; run++) {
      const before = Array.from({ length: 8 }, draw)
      const after = Array.from({ length: 8 }, () => draw() - 0.3)
      const { low, high } = shiftInterval(before, after)
      if (low <= -0.3 && -0.3 <= high) covered++
    }
    // At least 95% by construction (more, as the null is discrete); with 2,000 runs ±1% is two standard errors.
    expect(covered / runs).toBeGreaterThan(0.94)
    expect(covered / runs).toBeLessThan(0.975)
  })

  test('fewer than 6 values on a side is an error that says so', () => {
    expect(() => shiftInterval([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6])).toThrow(/samples of 5 and 6 values; each needs at least 6/)
  })
})
