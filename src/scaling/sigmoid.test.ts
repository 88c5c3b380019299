import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { chanceFlooredSigmoid, fitChanceFlooredSigmoid, sigmoidBand } from './sigmoid.ts'

const losses = Array.from({ length: 12 }, (_, i) => 1.8 + (i * 1.8) / 11)

describe('chance-floored sigmoid', () => {
  test('the curve runs from 1 − u at low loss to the chance floor c at high loss, c + (1−c−u)/2 at L0', () => {
    expect(chanceFlooredSigmoid(-100, 0.25, 3, 2.5)).toBeCloseTo(1, 12)
    expect(chanceFlooredSigmoid(100, 0.25, 3, 2.5)).toBeCloseTo(0.25, 12)
    expect(chanceFlooredSigmoid(2.5, 0.25, 3, 2.5, 0.1)).toBeCloseTo(0.25 + 0.65 / 2, 12)
  })
  test('recovers k and L0 exactly from clean accuracies', () => {
    const acc = losses.map(L => chanceFlooredSigmoid(L, 0.25, 3, 2.6))
    const stderr = acc.map(a => Math.sqrt((a * (1 - a)) / 1000))
    const fit = fitChanceFlooredSigmoid(losses, acc, stderr, { chance: 0.25 })
    expect(fit.slope.estimate).toBeCloseTo(3, 6)
    expect(fit.midpointLoss.estimate).toBeCloseTo(2.6, 6)
    expect(fit.chiSquared).toBeLessThan(1e-12)
    expect(fit.converged).toBe(true)
  })
  test('recovers k, L0 and the ceiling gap u when asked to fit it', () => {
    const acc = losses.map(L => chanceFlooredSigmoid(L, 0.5, 2.5, 2.4, 0.1))
    const stderr = acc.map(a => Math.sqrt((a * (1 - a)) / 1000))
    const fit = fitChanceFlooredSigmoid(losses, acc, stderr, { chance: 0.5, fitCeiling: true })
    expect(fit.slope.estimate).toBeCloseTo(2.5, 5)
    expect(fit.midpointLoss.estimate).toBeCloseTo(2.4, 5)
    expect(fit.ceilingGap.estimate).toBeCloseTo(0.1, 5)
  })
  test('with binomial noise (2000 items per task) the 95% intervals cover the truth in ≥ 90% of 100 simulations', () => {
    const random = seededRandom(41)
    const items = 2000
    let coveredSlope = 0
    let coveredMidpoint = 0
    const sims = 100
    for (let s = 0; s < sims; s++) {
      const acc = losses.map(L => {
        const p = chanceFlooredSigmoid(L, 1 / 3, 3, 2.6)
        let hits = 0
        for (let i = 0; i < items; i++) if (random.uniform() < p) hits++
        return hits / items
      })
      const stderr = acc.map(a => Math.sqrt((a * (1 - a)) / items))
      const fit = fitChanceFlooredSigmoid(losses, acc, stderr, { chance: 1 / 3 })
      if (fit.slope.interval![0] <= 3 && 3 <= fit.slope.interval![1]) coveredSlope++
      if (fit.midpointLoss.interval![0] <= 2.6 && 2.6 <= fit.midpointLoss.interval![1]) coveredMidpoint++
    }
    expect(coveredSlope / sims).toBeGreaterThanOrEqual(0.9)
    expect(coveredMidpoint / sims).toBeGreaterThanOrEqual(0.9)
  })
  test('the 95% band of the expected accuracy covers the true accuracy ≈ 95% over 400 simulations (5 models, binomial noise)', () => {
    const random = seededRandom(43)
    const five = [2.2, 2.5, 2.8, 3.1, 3.4]
    const items = 1000
    const at = 2.0 // a smaller loss than any measured: the accuracy a bigger model would reach
    const truth = chanceFlooredSigmoid(at, 0.25, 3, 2.6)
    let covered = 0
    const sims = 400
    for (let s = 0; s < sims; s++) {
      const acc = five.map(L => {
        const p = chanceFlooredSigmoid(L, 0.25, 3, 2.6)
        return p + Math.sqrt((p * (1 - p)) / items) * random.normal()
      })
      const stderr = acc.map(a => Math.sqrt((a * (1 - a)) / items))
      const band = sigmoidBand(fitChanceFlooredSigmoid(five, acc, stderr, { chance: 0.25 }), at)
      if (band.lower! <= truth && truth <= band.upper!) covered++
    }
    // Measured 95.75%.
    expect(covered / sims).toBeGreaterThanOrEqual(0.93)
    expect(covered / sims).toBeLessThanOrEqual(0.97)
  })
  test('bad input is named', () => {
    expect(() => fitChanceFlooredSigmoid([2, 3], [0.5, 0.4], [0.01, 0.01], { chance: 0.25 })).toThrow(/at least 3 points/)
    expect(() => fitChanceFlooredSigmoid([2, 3, 4], [0.5, 0.4, 0.3], [0.01, 0, 0.01], { chance: 0.25 })).toThrow(/stderr 1 must be positive/)
  })
})
