// Speed laws against known power laws: exact recovery without noise, and interval coverage with noise.
import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { fitSpeedLaws } from './speed-law.ts'

const sizes = [4e4, 1.4e5, 4e5, 9e5, 2.6e6]

describe('fitSpeedLaws', () => {
  test('exact laws: tokens/s = 3e6·N^−0.5 and memory = 1e8·N^0.2 recovered; 2× parameters → 0.707× tokens/s', () => {
    const points = sizes.map((N, i) => ({
      modelId: `m${i}`,
      params: N,
      phases: { scoring: { tokensPerSecond: 3e6 * N ** -0.5, rssBytes: 1e8 * N ** 0.2 }, 'decode@128': { tokensPerSecond: 5e4 * N ** -0.3 } },
    }))
    const [scoring, memory, decode] = fitSpeedLaws(points)
    expect(scoring).toMatchObject({ phase: 'scoring', quantity: 'tokens/s', models: 5, dof: 3 })
    expect(scoring!.exponent.estimate).toBeCloseTo(-0.5, 10)
    expect(scoring!.prefactor / 3e6).toBeCloseTo(1, 8)
    expect(scoring!.perDoubling).toBeCloseTo(Math.SQRT1_2, 10)
    expect(memory).toMatchObject({ phase: 'scoring', quantity: 'resident memory (bytes)' })
    expect(memory!.exponent.estimate).toBeCloseTo(0.2, 10)
    expect(decode).toMatchObject({ phase: 'decode@128', quantity: 'tokens/s' })
    expect(decode!.exponent.estimate).toBeCloseTo(-0.3, 10)
  })
  test('with 10% log-normal timing noise the 95% interval covers the exponent 93–97% of 400 simulations', () => {
    const random = seededRandom(81)
    let covered = 0
    for (let s = 0; s < 400; s++) {
      const points = sizes.map((N, i) => ({
        modelId: `m${i}`,
        params: N,
        phases: { scoring: { tokensPerSecond: 3e6 * N ** -0.5 * Math.exp(0.1 * random.normal()) } },
      }))
      const [interval] = fitSpeedLaws(points).map(l => l.exponent.interval!)
      if (interval![0] <= -0.5 && -0.5 <= interval![1]) covered++
    }
    expect(covered / 400).toBeGreaterThanOrEqual(0.93)
    expect(covered / 400).toBeLessThanOrEqual(0.97)
  })
  test('a phase fewer than three sizes recorded gets no law', () => {
    const points = sizes.slice(0, 2).map((N, i) => ({ modelId: `m${i}`, params: N, phases: { scoring: { tokensPerSecond: 1 } } }))
    expect(fitSpeedLaws(points)).toEqual([])
  })
})
