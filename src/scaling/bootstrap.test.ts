import { describe, expect, test } from 'vitest'
import { bootstrapSaturating, percentileInterval } from './bootstrap.ts'
import { seededRandom } from '../core/random.ts'
import { fitSaturatingHuber, saturatingLoss } from './saturating-law.ts'

const sizes = Array.from({ length: 6 }, (_, i) => 1e8 * 10 ** (i / 2.5))
const truth = { E: 1.5, A: 150, alpha: 0.3 }
const random = seededRandom(21)
const loss = sizes.map(N => saturatingLoss(truth, N) * Math.exp(0.005 * random.normal()))
const fit = fitSaturatingHuber(sizes, loss)

describe('bootstrapSaturating', () => {
  test('the same seed gives the same replicates; another seed does not', () => {
    const run = (seed: number) => bootstrapSaturating(sizes, loss, fit, { method: 'parametric', samples: 30, seed })
    const a = run(1)
    const b = run(1)
    const c = run(2)
    if (!a.available || !b.available || !c.available) throw new Error('bootstrap unavailable')
    expect(b.bootstrap.replicates).toEqual(a.bootstrap.replicates)
    expect(c.bootstrap.replicates).not.toEqual(a.bootstrap.replicates)
  })
  test('a given noise SD is used as is; a larger one widens the α interval', () => {
    const width = (sd: number) => {
      const out = bootstrapSaturating(sizes, loss, fit, { method: 'parametric', samples: 100, seed: 5, logLossNoiseSd: sd })
      if (!out.available) throw new Error(out.reason)
      expect(out.bootstrap.logLossNoiseSd).toBe(sd)
      expect(out.bootstrap.noiseSource).toBe('given')
      const [low, high] = percentileInterval(
        out.bootstrap.replicates.map(r => r.alpha),
        0.95,
      )
      return high - low
    }
    expect(width(0.02)).toBeGreaterThan(2 * width(0.002))
  })
  test('residual bootstrap scales residuals by √(n/(n−3)); the estimated SD uses n − 3 dof', () => {
    const out = bootstrapSaturating(sizes, loss, fit, { method: 'residual', samples: 20, seed: 1 })
    if (!out.available) throw new Error(out.reason)
    const r = sizes.map((N, i) => Math.log(loss[i]!) - Math.log(saturatingLoss(fit, N)))
    const mean = r.reduce((s, v) => s + v, 0) / r.length
    const expected = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (r.length - 3))
    expect(out.bootstrap.logLossNoiseSd).toBeCloseTo(expected, 12)
  })
  test('unavailable without residual dof unless a noise SD is given', () => {
    const three = sizes.slice(0, 3)
    const threeLoss = loss.slice(0, 3)
    const threeFit = fitSaturatingHuber(three, threeLoss)
    const out = bootstrapSaturating(three, threeLoss, threeFit, { method: 'parametric', samples: 20, seed: 1 })
    expect(out.available).toBe(false)
    expect(bootstrapSaturating(three, threeLoss, threeFit, { method: 'parametric', samples: 20, seed: 1, logLossNoiseSd: 0.01 }).available).toBe(true)
  })
  test('percentileInterval of 0…100 at 90% is [5, 95]', () => {
    const values = Array.from({ length: 101 }, (_, i) => i)
    const [low, high] = percentileInterval(values, 0.9)
    expect(low).toBeCloseTo(5, 0)
    expect(high).toBeCloseTo(95, 0)
  })
})
