import { describe, expect, test } from 'vitest'
import { fitLinear, predictLinear } from './linear-fit.ts'

describe('fitLinear', () => {
  // Hand computation: x̄ = 1.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5, Syy = 8.75, SSE = 2.7.
  const x = [0, 1, 2, 3]
  const y = [1, 3, 2, 5]
  test('matches a hand-computed fit', () => {
    const fit = fitLinear(x, y)
    expect(fit.slope).toBeCloseTo(1.1, 12)
    expect(fit.intercept).toBeCloseTo(1.1, 12)
    expect(fit.rSquared).toBeCloseTo(1 - 2.7 / 8.75, 12)
    expect(fit.slopeSE).toBeCloseTo(Math.sqrt(1.35 / 5), 12)
    expect(fit.interceptSE).toBeCloseTo(Math.sqrt(1.35 * (1 / 4 + 2.25 / 5)), 12)
    const half = 4.302652729749464 * Math.sqrt(1.35 / 5)
    expect(fit.slopeInterval![0]).toBeCloseTo(1.1 - half, 8)
    expect(fit.slopeInterval![1]).toBeCloseTo(1.1 + half, 8)
    // t = 1.1/0.5196 = 2.117 on 2 dof: closed-form p = 1 − t/√(2 + t²).
    const t = 1.1 / Math.sqrt(0.27)
    expect(fit.slopePValue).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12)
  })
  test('bands: mean and new-observation intervals from the textbook formulas', () => {
    const fit = fitLinear(x, y)
    const p = predictLinear(fit, 4)
    const meanSE = Math.sqrt(1.35 * (1 / 4 + 6.25 / 5))
    expect(p.y).toBeCloseTo(5.5, 12)
    expect(p.meanInterval![1] - p.y).toBeCloseTo(4.302652729749464 * meanSE, 8)
    expect(p.observationInterval![1] - p.y).toBeCloseTo(4.302652729749464 * Math.sqrt(meanSE ** 2 + 1.35), 8)
  })
  test('integer weights give the same line as repeating points', () => {
    const weighted = fitLinear(x, y, { weights: [3, 1, 2, 1] })
    const repeated = fitLinear([0, 0, 0, 1, 2, 2, 3], [1, 1, 1, 3, 2, 2, 5])
    expect(weighted.slope).toBeCloseTo(repeated.slope, 12)
    expect(weighted.intercept).toBeCloseTo(repeated.intercept, 12)
  })
  test('two points: exact line, no error estimate', () => {
    const fit = fitLinear([1, 3], [2, 6])
    expect(fit.slope).toBe(2)
    expect(fit.slopeSE).toBeNull()
    expect(predictLinear(fit, 5).meanInterval).toBeNull()
  })
  test('bad input is named', () => {
    expect(() => fitLinear([1, 1, 1], [1, 2, 3])).toThrow(/all x values are equal/)
    expect(() => fitLinear([1, 2], [1])).toThrow(/x has 2 values but y has 1/)
    expect(() => fitLinear([1, 2, 3], [1, Number.NaN, 3])).toThrow(/point 1 is not finite/)
    expect(() => fitLinear([1, 2, 3], [1, 2, 3], { weights: [1, 0, 1] })).toThrow(/weight 1 must be positive/)
  })
})
