/**
 * The long-run variance against closed forms, and the paired token-perplexity ratio over the windows of one text
 * checked by simulation: neighbouring windows' losses autocorrelated, a known change in perplexity.
 */
import { describe, expect, test } from 'vitest'
import { seededRandom, type Random } from '../core/random.ts'
import { flatTopLongRunVariance, longRunVariance } from './long-run-variance.ts'
import { pairedPerplexityRatio } from './paired.ts'
import { windowPerplexityRatio } from './paired-summary.ts'

/** A stationary AR(1) series with unit innovations: long-run variance 1 / (1 − φ)². */
function ar1(random: Random, n: number, phi: number): number[] {
  let x = random.normal() / Math.sqrt(1 - phi ** 2)
  return Array.from({ length: n }, () => (x = phi * x + random.normal()))
}

describe('long-run variance', () => {
  test.each([0, 0.3, 0.6, -0.4])('AR(1), φ = %s, 100000 values: σ²_LR within 3 per cent of 1 / (1 − φ)², lag 1 within 0.01', phi => {
    const { variance, lag1 } = longRunVariance(ar1(seededRandom(40), 100_000, phi))
    expect(Math.abs(variance * (1 - phi) ** 2 - 1)).toBeLessThan(0.03)
    expect(Math.abs(lag1 - phi)).toBeLessThan(0.01)
  })

  test('hand-computed flat-top sum: an alternating series is cut at lag 2 and gives γ̂(0) + 2γ̂(1)', () => {
    // ±1 alternating, n = 40: γ̂(0) = 1, γ̂(1) = −39/40; |ρ| at lags 0–5 is ≈ 1, so no quiet run: m = min(⌈√40⌉ + 5, 38) = 12.
    const series = Array.from({ length: 40 }, (_, t) => (t % 2 ? 1 : -1))
    const gamma = (k: number) => ((k % 2 ? -1 : 1) * (40 - k)) / 40
    let expected = gamma(0)
    for (let k = 1; k <= 12; k++) expected += 2 * (k / 12 <= 0.5 ? 1 : 2 * (1 - k / 12)) * gamma(k)
    expect(flatTopLongRunVariance(series)).toBeCloseTo(expected > 0 ? expected : gamma(0), 12)
  })

  test('a constant series has no variance; too short a series is refused', () => {
    expect(longRunVariance(new Array(20).fill(3))).toEqual({ variance: 0, lag1: 0 })
    expect(() => longRunVariance([1, 2, 3])).toThrow('need at least 9 values in the series, got 3')
  })
})

const RUNS = 400

/**
 * Windows of a sliding-window text (the first scores 511 tokens, the rest 256), a known 2% rise in perplexity,
 * and per-window noise in the paired NLL difference that follows an AR(1) with correlation φ between neighbours
 * (sd 0.3 nats per √token).
 */
function windowRun(random: Random, windows: number, phi: number) {
  const tokens = Array.from({ length: windows }, (_, w) => (w === 0 ? 511 : 256))
  const baseline = tokens.map(u => u * (4 + 0.4 * random.normal()))
  const noise = ar1(random, windows, phi).map(x => x * Math.sqrt(1 - phi ** 2))
  const current = baseline.map((b, w) => b + Math.log(1.02) * tokens[w]! + 0.3 * Math.sqrt(tokens[w]!) * noise[w]!)
  return { baseline, current, tokens }
}

describe('paired token-perplexity ratio over the windows of one text', () => {
  // The default study's held-out text has 271 windows; wikitext2_sliding about 560. The default study's adjacent sizes
  // show lag-1 autocorrelations of 0.06–0.34 between windows' contributions.
  test.each([
    [271, 0],
    [271, 0.3],
    [271, 0.5],
    [560, 0.3],
  ])(`%i windows, lag-1 correlation %s: the interval covers the true ratio in 93–97% (of ${RUNS} runs)`, (windows, phi) => {
    const random = seededRandom(41 + windows + 10 * phi)
    let covered = 0
    for (let run = 0; run < RUNS; run++) {
      const { baseline, current, tokens } = windowRun(random, windows, phi)
      const interval = windowPerplexityRatio(baseline, current, tokens)!
      if (interval.low <= 1.02 && 1.02 <= interval.high) covered++
    }
    expect(covered / RUNS, `coverage ${covered / RUNS}`).toBeGreaterThanOrEqual(0.93)
    expect(covered / RUNS, `coverage ${covered / RUNS}`).toBeLessThanOrEqual(0.97)
  })

  test(`resampling the windows one by one, as if independent, covers far less at lag-1 correlation 0.5 (${RUNS} runs)`, () => {
    const random = seededRandom(45)
    let covered = 0
    for (let run = 0; run < RUNS; run++) {
      const { baseline, current, tokens } = windowRun(random, 271, 0.5)
      const { low, high } = pairedPerplexityRatio(baseline, current, tokens, { samples: 200, seed: run })
      if (low <= 1.02 && 1.02 <= high) covered++
    }
    // The long-run variance is (1 + φ) / (1 − φ) = 3 times the per-window one.
    expect(covered / RUNS, `coverage ${covered / RUNS}`).toBeLessThan(0.85)
  })

  test('hand-computed: the ratio is exp(ΔNLL / tokens); fewer than 9 windows give no interval', () => {
    const tokens = new Array(9).fill(10)
    const baseline = tokens.map((u, i) => u * 3 + i)
    const current = baseline.map((b, i) => b + 0.5 + (i % 3) * 0.1)
    expect(windowPerplexityRatio(baseline, current, tokens)!.ratio).toBeCloseTo(Math.exp(5.4 / 90), 14)
    expect(windowPerplexityRatio(baseline.slice(1), current.slice(1), tokens.slice(1))).toBeUndefined()
  })
})
