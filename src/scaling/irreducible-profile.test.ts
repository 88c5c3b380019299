import { describe, expect, test } from 'vitest'
import { fitFixedIrreducibleLoss, profileIrreducibleLoss } from './irreducible-profile.ts'
import { fitLinear } from './linear-fit.ts'
import { seededRandom } from '../core/random.ts'
import { saturatingLoss } from './saturating-law.ts'

const sizes = Array.from({ length: 8 }, (_, i) => 1e7 * 10 ** ((i * 2.5) / 7))
const truth = { E: 1.69, A: 406.4, alpha: 0.34 }

describe('fitFixedIrreducibleLoss', () => {
  test('with the true E on exact data it returns the true A and α', () => {
    const loss = sizes.map(N => saturatingLoss(truth, N))
    const fit = fitFixedIrreducibleLoss(sizes, loss, 1.69)
    expect(fit.alpha).toBeCloseTo(0.34, 8)
    expect(fit.A / 406.4).toBeCloseTo(1, 6)
    expect(fit.sse).toBeLessThan(1e-16)
  })
  test('with a wrong E, least squares on ln L beats the ln(L − E) regression on its own criterion', () => {
    const loss = sizes.map(N => saturatingLoss(truth, N))
    const E = 1.0
    const fit = fitFixedIrreducibleLoss(sizes, loss, E)
    const line = fitLinear(
      sizes.map(Math.log),
      loss.map(l => Math.log(l - E)),
    )
    const sseOf = (A: number, alpha: number) => sizes.reduce((s, N, i) => s + (Math.log(E + A * N ** -alpha) - Math.log(loss[i]!)) ** 2, 0)
    expect(fit.converged).toBe(true)
    expect(fit.sse).toBeCloseTo(sseOf(fit.A, fit.alpha), 14)
    expect(fit.sse).toBeLessThan(sseOf(Math.exp(line.intercept), -line.slope))
    // Nudging the optimum in any direction cannot lower the SSE.
    for (const [dA, dAlpha] of [
      [1.001, 0],
      [0.999, 0],
      [1, 1e-4],
      [1, -1e-4],
    ] as const) {
      expect(sseOf(fit.A * dA, fit.alpha + dAlpha)).toBeGreaterThan(fit.sse)
    }
  })
  test('E outside [0, min L) is rejected', () => {
    expect(() => fitFixedIrreducibleLoss([1e8, 1e9, 1e10], [3, 2.5, 2], 2)).toThrow(/E must be in \[0, 2\)/)
  })
})

describe('profileIrreducibleLoss', () => {
  test('E is identifiable from 8 low-noise points over 2.5 decades and the set contains the truth', () => {
    const random = seededRandom(3)
    const loss = sizes.map(N => saturatingLoss(truth, N) * Math.exp(0.002 * random.normal()))
    const profile = profileIrreducibleLoss(sizes, loss)
    expect(profile.identifiable).toBe(true)
    expect(profile.confidenceSet!.lower).toBeLessThan(1.69)
    expect(profile.confidenceSet!.upper).toBeGreaterThan(1.69)
    expect(profile.statement).toMatch(/^E is identifiable/)
    expect(profile.alphaRange![0]).toBeLessThan(0.34)
    expect(profile.alphaRange![1]).toBeGreaterThan(0.34)
  })
  test('a pure power law leaves E = 0 inside the set: not identifiable', () => {
    const random = seededRandom(4)
    const loss = sizes.map(N => 20 * N ** -0.11 * Math.exp(0.002 * random.normal()))
    const profile = profileIrreducibleLoss(sizes, loss)
    expect(profile.confidenceSet!.touchesZero).toBe(true)
    expect(profile.identifiable).toBe(false)
    expect(profile.statement).toMatch(/not identifiable.*E = 0/)
  })
  test('three points leave no residual degrees of freedom', () => {
    const profile = profileIrreducibleLoss([1e8, 1e9, 1e10], [3, 2.5, 2.2])
    expect(profile.dof).toBe(0)
    expect(profile.identifiable).toBe(false)
    expect(profile.statement).toMatch(/no residual degrees of freedom/)
  })
  test('the profile minimum is at least as good as every grid point', () => {
    const random = seededRandom(5)
    const loss = sizes.map(N => saturatingLoss(truth, N) * Math.exp(0.01 * random.normal()))
    const profile = profileIrreducibleLoss(sizes, loss)
    for (const p of profile.points) expect(profile.best.sse).toBeLessThanOrEqual(p.sse + 1e-15)
  })
})
