// The variable-projection fit against known truths: exact recovery on noiseless laws, recovery under noise,
// agreement with the Huber fit where both converge, and the prior study's pinned log-log numbers.
import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { priorStudyPoints } from './prior-study.fixture.ts'
import { fitSaturatingHuber, saturatingLoss } from './saturating-law.ts'
import { fitSaturatingProjection, REPLICATE_PRECISION } from './variable-projection.ts'

const truth = { E: 1.69, A: 406.4, alpha: 0.34 }
const sizes = Array.from({ length: 8 }, (_, i) => 1e7 * 10 ** ((i * 2.5) / 7))

describe('variable projection', () => {
  test('noiseless Chinchilla-like law: E, A and α recovered to 1e-6 relative', () => {
    const fit = fitSaturatingProjection(
      sizes,
      sizes.map(N => saturatingLoss(truth, N)),
    )
    expect(fit.converged).toBe(true)
    expect(fit.alpha / truth.alpha - 1).toBeCloseTo(0, 6)
    expect(fit.E / truth.E - 1).toBeCloseTo(0, 6)
    expect(fit.A / truth.A - 1).toBeCloseTo(0, 5)
    expect(fit.rss).toBeLessThan(1e-20)
  })

  test('with 0.5% log-normal noise over 60 seeded simulations: median |error| of α below 5%, of E below 2%', () => {
    const random = seededRandom(31)
    const alphaErrors: number[] = []
    const eErrors: number[] = []
    for (let s = 0; s < 60; s++) {
      const loss = sizes.map(N => saturatingLoss(truth, N) * Math.exp(0.005 * random.normal()))
      const fit = fitSaturatingProjection(sizes, loss)
      alphaErrors.push(Math.abs(fit.alpha / truth.alpha - 1))
      eErrors.push(Math.abs(fit.E / truth.E - 1))
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!
    expect(median(alphaErrors)).toBeLessThan(0.05)
    expect(median(eErrors)).toBeLessThan(0.02)
  })

  test('agrees with the Huber fit where both converge (residuals inside δ, where Huber is least squares)', () => {
    const random = seededRandom(32)
    let compared = 0
    for (let s = 0; s < 10; s++) {
      const loss = sizes.map(N => saturatingLoss(truth, N) * Math.exp(2e-4 * random.normal()))
      const huber = fitSaturatingHuber(sizes, loss)
      const projection = fitSaturatingProjection(sizes, loss)
      if (!huber.converged || !projection.converged) continue
      compared++
      expect(Math.abs(projection.alpha / huber.alpha - 1)).toBeLessThan(1e-3)
      expect(Math.abs(projection.E / huber.E - 1)).toBeLessThan(1e-3)
    }
    expect(compared).toBeGreaterThanOrEqual(8)
  })

  test("the prior study's four MobileLLM perplexities: the pure power law gives the pinned log-log slope −0.2457 and prefactor ≈ 1151", () => {
    const points = priorStudyPoints()
    const fit = fitSaturatingProjection(
      points.map(p => p.params.total),
      points.map(p => p.perplexity),
      { fixIrreducibleAtZero: true },
    )
    expect(-fit.alpha).toBeCloseTo(-0.2457, 4)
    expect(fit.A).toBeGreaterThan(1150.5)
    expect(fit.A).toBeLessThan(1152.5)
    expect(fit.irreducibleAtZero).toBe(true)
  })

  test('the replicate precision (31 grid points, 32 golden steps) lands within 1e-6 of the full fit’s α', () => {
    const random = seededRandom(33)
    for (let s = 0; s < 10; s++) {
      const loss = sizes.map(N => saturatingLoss(truth, N) * Math.exp(0.01 * random.normal()))
      const full = fitSaturatingProjection(sizes, loss)
      expect(Math.abs(fitSaturatingProjection(sizes, loss, REPLICATE_PRECISION).alpha / full.alpha - 1)).toBeLessThan(1e-6)
    }
  })

  test('bad input is named', () => {
    expect(() => fitSaturatingProjection([1, 2], [1, 2])).toThrow('need at least 3 models, got 2')
    expect(() => fitSaturatingProjection([1, 2, 3], [1, 0, 2])).toThrow('loss 1 must be positive, got 0')
  })
})
