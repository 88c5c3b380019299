import { describe, expect, test } from 'vitest'
import { fitSaturatingHuber, saturatingLoss, scaledHuber } from './saturating-law.ts'

const sizes = Array.from({ length: 8 }, (_, i) => 1e7 * 10 ** ((i * 2.5) / 7))

describe('scaledHuber', () => {
  test('is r²/(2δ) inside ±δ and |r| − δ/2 outside (continuous at δ)', () => {
    expect(scaledHuber(0.0005, 1e-3)).toBeCloseTo(0.0005 ** 2 / 2e-3, 15)
    expect(scaledHuber(-0.01, 1e-3)).toBeCloseTo(0.01 - 0.0005, 15)
    expect(scaledHuber(1e-3, 1e-3)).toBeCloseTo(1e-3 / 2, 15)
  })
})

describe('fitSaturatingHuber', () => {
  test("recovers Chinchilla's N-term constants from exact data", () => {
    const truth = { E: 1.6934, A: 406.4, alpha: 0.33917 }
    const loss = sizes.map(N => saturatingLoss(truth, N))
    const fit = fitSaturatingHuber(sizes, loss)
    expect(fit.converged).toBe(true)
    expect(fit.alpha).toBeCloseTo(truth.alpha, 4)
    expect(fit.E).toBeCloseTo(truth.E, 4)
    expect(fit.A / truth.A).toBeCloseTo(1, 3)
    expect(fit.objective).toBeLessThan(1e-9)
    expect(Object.values(fit.onBoundary).some(Boolean)).toBe(false)
  })
  test('one gross outlier barely moves the robust fit', () => {
    const truth = { E: 1.2, A: 60, alpha: 0.25 }
    const loss = sizes.map(N => saturatingLoss(truth, N))
    loss[3] = loss[3]! * 1.2
    const fit = fitSaturatingHuber(sizes, loss)
    expect(fit.alpha).toBeCloseTo(0.25, 2)
    expect(fit.E).toBeCloseTo(1.2, 2)
  })
  test('flags E at zero when the data are a pure power law', () => {
    const loss = sizes.map(N => 20 * N ** -0.11)
    const fit = fitSaturatingHuber(sizes, loss)
    expect(fit.onBoundary.irreducibleAtZero).toBe(true)
    expect(fit.alpha).toBeCloseTo(0.11, 3)
  })
  test('rejects too few points and non-positive values', () => {
    expect(() => fitSaturatingHuber([1e8, 1e9], [3, 2])).toThrow(/needs at least 3 points \(got 2\)/)
    expect(() => fitSaturatingHuber([1e8, 1e9, -1], [3, 2, 1])).toThrow(/parameter count 2 must be positive \(got -1\)/)
    expect(() => fitSaturatingHuber([1e8, 1e9, 1e10], [3, 0, 1])).toThrow(/loss 1 must be positive \(got 0\)/)
  })
})
