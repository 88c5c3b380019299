import { describe, expect, test } from 'vitest'
import { discordantPairs, holmAdjust, mcnemarExactP, twoSidedNormalP } from './significance.ts'

describe('mcnemarExactP', () => {
  test('matches hand-computed binomial tails', () => {
    // b = 10, c = 0: 2 · 2^−10
    expect(mcnemarExactP(10, 0)).toBeCloseTo(2 / 1024, 15)
    // b = 1, c = 9: 2 · (1 + 10) / 2^10 = 22/1024
    expect(mcnemarExactP(1, 9)).toBeCloseTo(22 / 1024, 15)
    // b = 3, c = 5: 2 · (1 + 8 + 28 + 56) / 256 = 186/256
    expect(mcnemarExactP(3, 5)).toBeCloseTo(186 / 256, 15)
  })

  test('no discordant pairs, or a balanced split, is no evidence at all', () => {
    expect(mcnemarExactP(0, 0)).toBe(1)
    expect(mcnemarExactP(4, 4)).toBe(1)
  })

  test('is symmetric and does not underflow for thousands of pairs', () => {
    expect(mcnemarExactP(7, 2)).toBe(mcnemarExactP(2, 7))
    // b = 1100, c = 900: z = 200/√2000 = 4.47; the exact tail is close to the normal one (≈ 7.7e−6)
    const p = mcnemarExactP(1100, 900)
    expect(p).toBeGreaterThan(5e-6)
    expect(p).toBeLessThan(1.2e-5)
    expect(mcnemarExactP(3000, 0)).toBe(2 * 2 ** -3000) // 0: below the smallest double, but not NaN
  })

  test('a count that is not a whole non-negative number is an error', () => {
    expect(() => mcnemarExactP(-1, 3)).toThrow(/b must be a non-negative count, got -1/)
    expect(() => mcnemarExactP(1, 2.5)).toThrow(/c must be a non-negative count/)
  })
})

describe('discordantPairs', () => {
  test('counts right→wrong and wrong→right items', () => {
    expect(discordantPairs([true, true, false, false, true], [true, false, true, false, false])).toEqual({ worse: 2, better: 1 })
  })
  test('vectors of different lengths are an error', () => {
    expect(() => discordantPairs([true], [true, false])).toThrow(/baseline 1, current 2/)
  })
})

describe('holmAdjust', () => {
  test('matches the step-down procedure computed by hand', () => {
    // sorted 0.01, 0.02, 0.04, 0.30 → 4·0.01, max(0.04, 3·0.02), max(0.06, 2·0.04), max(0.08, 0.30)
    expect(holmAdjust([0.04, 0.01, 0.3, 0.02])).toEqual([0.08, 0.04, 0.3, 0.06])
  })
  test('caps at 1 and keeps an empty family empty', () => {
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1])
    expect(holmAdjust([])).toEqual([])
  })
})

describe('twoSidedNormalP', () => {
  test('gives the familiar quantiles', () => {
    expect(twoSidedNormalP(1.959964)).toBeCloseTo(0.05, 5)
    expect(twoSidedNormalP(-2.575829)).toBeCloseTo(0.01, 5)
    expect(twoSidedNormalP(0)).toBe(1)
  })
})
