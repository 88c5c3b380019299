// The nested bootstrap's parts against closed forms on simulated studies with known variance components.
import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { nestedBootstrap, type ItemSample } from './nested-bootstrap.ts'

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length

describe('nestedBootstrap', () => {
  // 20 models; each model's true figure μ + b (b ~ N(0, τ²)), measured on 200 items with noise σ = 1.
  const random = seededRandom(61)
  const models = 20
  const items = 200
  const tau = 0.05
  const x = Array.from({ length: models }, (_, i) => i + 1)
  const samples: ItemSample[] = x.map(() => {
    const b = tau * random.normal()
    return { numerator: Array.from({ length: items }, () => 3 + b + random.normal()) }
  })
  const byMean = (_: readonly number[], y: readonly number[]) => [mean(y)]
  const result = nestedBootstrap(x, samples, ['mean'], byMean, { samples: 2000, seed: 1, level: 0.95, minDistinct: 1 })
  if (!('quantities' in result)) throw new Error(result.reason)
  const [q] = result.quantities

  test('a mean over models: items part ≈ √(Σ s²ᵢ/nᵢ)/M, models part ≈ SD of the figures·√((M−1)/M)/√M, within 10%', () => {
    const itemVariances = samples.map(s => {
      const m = mean(s.numerator)
      return s.numerator.reduce((t, v) => t + (v - m) ** 2, 0) / items / items
    })
    const itemsClosed = Math.sqrt(itemVariances.reduce((s, v) => s + v, 0)) / models
    expect(q!.items.sd / itemsClosed).toBeGreaterThan(0.9)
    expect(q!.items.sd / itemsClosed).toBeLessThan(1.1)
    const figures = samples.map(s => mean(s.numerator))
    const spread = Math.sqrt(figures.reduce((t, v) => t + (v - mean(figures)) ** 2, 0) / models)
    expect(q!.models.sd / (spread / Math.sqrt(models))).toBeGreaterThan(0.9)
    expect(q!.models.sd / (spread / Math.sqrt(models))).toBeLessThan(1.1)
    // Nested adds the items' noise to the models' draw: ≈ √(models² + items²) within 10%.
    const combined = Math.sqrt(q!.models.sd ** 2 + q!.items.sd ** 2)
    expect(q!.nested.sd / combined).toBeGreaterThan(0.9)
    expect(q!.nested.sd / combined).toBeLessThan(1.1)
    // Each model's own standard error: its items' SD / √n.
    result.itemStandardErrors.forEach((se, i) => {
      expect(se / Math.sqrt(itemVariances[i]!)).toBeGreaterThan(0.9)
      expect(se / Math.sqrt(itemVariances[i]!)).toBeLessThan(1.1)
    })
  })

  test('an OLS slope: the items part ≈ √(Σ (xᵢ − x̄)² SE²ᵢ) / Sxx (closed form), within 10%', () => {
    const slope = (xs: readonly number[], ys: readonly number[]) => {
      const mx = mean(xs)
      const my = mean(ys)
      const sxx = xs.reduce((s, v) => s + (v - mx) ** 2, 0)
      return sxx === 0 ? null : [xs.reduce((s, v, i) => s + (v - mx) * (ys[i]! - my), 0) / sxx]
    }
    const fit = nestedBootstrap(x, samples, ['slope'], slope, { samples: 2000, seed: 2, level: 0.95, minDistinct: 2 })
    if (!('quantities' in fit)) throw new Error(fit.reason)
    const mx = mean(x)
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0)
    const se2 = samples.map(s => {
      const m = mean(s.numerator)
      return s.numerator.reduce((t, v) => t + (v - m) ** 2, 0) / items / items
    })
    const closed = Math.sqrt(x.reduce((s, v, i) => s + (v - mx) ** 2 * se2[i]!, 0)) / sxx
    expect(fit.quantities[0]!.items.sd / closed).toBeGreaterThan(0.9)
    expect(fit.quantities[0]!.items.sd / closed).toBeLessThan(1.1)
  })

  test('clusters are drawn whole: items that share a cluster and move together widen the items part', () => {
    // 50 clusters of 4 identical items: the figure's SE is the SD of 50 draws, not 200.
    const r = seededRandom(62)
    const clustered: ItemSample[] = [0, 1, 2].map(() => {
      const values = Array.from({ length: 50 }, () => r.normal()).flatMap(v => [v, v, v, v])
      return { numerator: values, clusters: values.map((_, i) => Math.floor(i / 4)) }
    })
    const fit = nestedBootstrap([1, 2, 3], clustered, ['mean'], byMean, { samples: 2000, seed: 3, level: 0.95, minDistinct: 1 })
    const free = nestedBootstrap(
      [1, 2, 3],
      clustered.map(s => ({ numerator: s.numerator })),
      ['mean'],
      byMean,
      {
        samples: 2000,
        seed: 3,
        level: 0.95,
        minDistinct: 1,
      },
    )
    if (!('quantities' in fit) || !('quantities' in free)) throw new Error('unavailable')
    expect(fit.quantities[0]!.items.sd / free.quantities[0]!.items.sd).toBeGreaterThan(1.7) // ≈ √4 = 2
  })

  test('the same seed gives the same result; model draws with too few distinct sizes are redrawn and counted', () => {
    const small = samples.slice(0, 4)
    const run = () => nestedBootstrap([1, 2, 3, 4], small, ['mean'], byMean, { samples: 200, seed: 9, level: 0.95, minDistinct: 3 })
    const a = run()
    expect(run()).toEqual(a)
    if (!('quantities' in a)) throw new Error(a.reason)
    expect(a.redrawn).toBeGreaterThan(0)
    expect(nestedBootstrap([1, 1, 2], samples.slice(0, 3), ['mean'], byMean, { samples: 20, seed: 1, level: 0.95, minDistinct: 3 })).toEqual({
      available: false,
      reason: 'fewer than 3 distinct sizes',
    })
  })
})
