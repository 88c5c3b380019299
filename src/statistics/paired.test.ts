/**
 * The paired intervals and the minimum detectable effect checked by simulation against known truths: seeded
 * simulated runs with a known mean difference (independent items, 0/1 items, and items in clusters that move
 * together), and the power of the gate's own exact McNemar test at effects around the predicted MDE.
 */
import { describe, expect, test } from 'vitest'
import { seededRandom, type Random } from '../core/random.ts'
import { pairedSummary } from './paired-summary.ts'
import { mcnemarExactP, twoSidedNormalP } from './significance.ts'
import {
  clusteredStandardError,
  minimumDetectableEffect,
  pairedAccuracyStandardError,
  pairedBootstrapInterval,
  pairedDifferences,
  pairedNormalInterval,
  pairedPerplexityRatio,
  type PairedInterval,
} from './paired.ts'

const RUNS = 400

function coverage(simulate: (random: Random, run: number) => { truth: number; interval: PairedInterval }, seed: number): number {
  const random = seededRandom(seed)
  let covered = 0
  for (let run = 0; run < RUNS; run++) {
    const { truth, interval } = simulate(random, run)
    if (interval.low <= truth && truth <= interval.high) covered++
  }
  return covered / RUNS
}

/** A continuous score per item (a probability near chance, skewed) for a baseline and a current run shifted by `effect`. */
function continuousRun(random: Random, n: number, effect: number): number[] {
  const baseline = Array.from({ length: n }, () => 0.25 + 0.1 * random.normal() ** 2)
  const current = baseline.map(b => b + effect + 0.05 * random.normal())
  return pairedDifferences(baseline, current)
}

/** G clusters of `size` items; a shared cluster shift (sd 0.04) makes items of one passage move together. */
function clusteredRun(random: Random, clusters: number, size: number, effect: number): { differences: number[]; clusterOf: number[] } {
  const differences: number[] = []
  const clusterOf: number[] = []
  for (let g = 0; g < clusters; g++) {
    const shared = 0.04 * random.normal()
    for (let k = 0; k < size; k++) {
      differences.push(effect + shared + 0.03 * random.normal())
      clusterOf.push(g)
    }
  }
  return { differences, clusterOf }
}

describe('paired intervals', () => {
  test('hand-computed: clustered SE equals the plain SE with one item per cluster, and widens with shared shifts', () => {
    const values = [1, 2, 3, 4]
    // Plain: sd = sqrt(5/3), SE = sqrt(5/3)/2.
    expect(clusteredStandardError(values)).toBeCloseTo(Math.sqrt(5 / 3) / 2, 14)
    // Clusters {1,2}, {3,4}: cluster sums of deviations −2, +2; sqrt(2/1 · 8) / 4 = 1.
    expect(clusteredStandardError(values, [0, 0, 1, 1])).toBeCloseTo(1, 14)
    expect(clusteredStandardError([1, 2], [0, 0])).toBeUndefined()
    expect(() => pairedDifferences([1], [1, 2])).toThrow('paired items differ in number: baseline 1, current 2')
  })

  test(`the paired bootstrap covers a known difference 93–97% of ${RUNS} simulated runs (continuous scores, 300 items)`, () => {
    const rate = coverage(
      (random, run) => ({ truth: 0.01, interval: pairedBootstrapInterval(continuousRun(random, 300, 0.01), { samples: 400, seed: run }) }),
      20,
    )
    expect(rate, `coverage ${rate}`).toBeGreaterThanOrEqual(0.93)
    expect(rate, `coverage ${rate}`).toBeLessThanOrEqual(0.97)
  })

  test(`the paired bootstrap covers a known accuracy difference 93–97% of ${RUNS} runs (0/1 items, 15% flip right, 10% flip wrong)`, () => {
    const rate = coverage((random, run) => {
      const baseline: number[] = []
      const current: number[] = []
      for (let i = 0; i < 500; i++) {
        const was = random.uniform() < 0.4 ? 1 : 0
        const u = random.uniform()
        // A quarter of the items flip: 0.6 · 0.25 = 15% wrong → right, 0.4 · 0.25 = 10% right → wrong.
        const now = was === 1 ? (u < 0.25 ? 0 : 1) : u < 0.25 ? 1 : 0
        baseline.push(was)
        current.push(now)
      }
      // E[now − was] = 0.6 · 0.25 − 0.4 · 0.25 = 0.05.
      return { truth: 0.05, interval: pairedBootstrapInterval(pairedDifferences(baseline, current), { samples: 400, seed: run }) }
    }, 21)
    expect(rate, `coverage ${rate}`).toBeGreaterThanOrEqual(0.93)
    expect(rate, `coverage ${rate}`).toBeLessThanOrEqual(0.97)
  })

  test(`with clustered items, the cluster bootstrap and the clustered SE cover 93–97% of ${RUNS} runs; treating items as independent does not`, () => {
    const random = seededRandom(22)
    let byClusterBootstrap = 0
    let byClusteredSe = 0
    let byItems = 0
    for (let run = 0; run < RUNS; run++) {
      const { differences, clusterOf } = clusteredRun(random, 120, 5, -0.02)
      const inside = (i: PairedInterval) => (i.low <= -0.02 && -0.02 <= i.high ? 1 : 0)
      byClusterBootstrap += inside(pairedBootstrapInterval(differences, { samples: 400, seed: run, clusters: clusterOf }))
      byClusteredSe += inside(pairedNormalInterval(differences, { clusters: clusterOf }))
      byItems += inside(pairedNormalInterval(differences))
    }
    for (const rate of [byClusterBootstrap / RUNS, byClusteredSe / RUNS]) {
      expect(rate).toBeGreaterThanOrEqual(0.93)
      expect(rate).toBeLessThanOrEqual(0.97)
    }
    // ICC = 0.04² / (0.04² + 0.03²) = 0.64 with 5 items per cluster: the naive SE is far too small.
    expect(byItems / RUNS).toBeLessThan(0.8)
  })

  test('the bootstrap refuses too few samples', () => {
    expect(() => pairedBootstrapInterval([1, 2], { samples: 10, seed: 1 })).toThrow('samples must be an integer ≥ 100, got 10')
  })
})

describe('minimum detectable effect', () => {
  test('(z_{0.975} + z_{0.8}) · SE = 2.8016 · SE', () => {
    expect(minimumDetectableEffect(0.01)).toBeCloseTo(0.028016, 6)
    expect(pairedAccuracyStandardError(200, 1000)).toBeCloseTo(Math.sqrt(200) / 1000, 15)
  })

  test("the MDE of a paired accuracy comparison is within 10% of the exact McNemar test's simulated 80%-power point", () => {
    // 1000 items, 20% discordant: MDE = 2.8016 · sqrt(200) / 1000 ≈ 0.0396.
    const n = 1000
    const discordance = 0.2
    const mde = minimumDetectableEffect(pairedAccuracyStandardError(discordance * n, n))
    const random = seededRandom(23)
    const power = (effect: number): number => {
      let detected = 0
      for (let run = 0; run < RUNS; run++) {
        let better = 0
        let worse = 0
        for (let i = 0; i < n; i++) {
          const u = random.uniform()
          if (u < (discordance + effect) / 2) better++
          else if (u < discordance) worse++
        }
        if (mcnemarExactP(worse, better) < 0.05) detected++
      }
      return detected / RUNS
    }
    // The effect where power crosses 80%, by linear interpolation on a grid around the prediction.
    const grid = [0.6, 0.8, 1, 1.2, 1.4].map(f => f * mde)
    const powers = grid.map(power)
    const above = powers.findIndex(p => p >= 0.8)
    expect(above).toBeGreaterThan(0)
    const [e0, e1, p0, p1] = [grid[above - 1]!, grid[above]!, powers[above - 1]!, powers[above]!]
    const simulated = e0 + ((0.8 - p0) / (p1 - p0)) * (e1 - e0)
    expect(Math.abs(simulated / mde - 1), `simulated 80% point ${simulated}, MDE ${mde}`).toBeLessThan(0.1)
  })
})

describe('minimum detectable effect with clustered items', () => {
  test("the MDE from the clustered SE (design effect 1 + (5 − 1) · 0.64 = 3.56) is within 10% of the clustered z-test's simulated 80%-power point; the items-as-independent MDE is not", () => {
    // 120 passages of 5 items, shared shift sd 0.04, item noise sd 0.03: the gate's continuous-score test (clustered z, α = 0.05).
    const random = seededRandom(25)
    const sample = clusteredRun(random, 120, 5, 0)
    const summary = pairedSummary(new Array(600).fill(0), sample.differences, { clusters: sample.clusterOf })
    const mde = summary.mde!
    const naive = minimumDetectableEffect(clusteredStandardError(sample.differences)!)
    const power = (effect: number): number => {
      let detected = 0
      for (let run = 0; run < RUNS; run++) {
        const { differences, clusterOf } = clusteredRun(random, 120, 5, effect)
        const mean = differences.reduce((a, b) => a + b, 0) / differences.length
        if (twoSidedNormalP(mean / clusteredStandardError(differences, clusterOf)!) < 0.05) detected++
      }
      return detected / RUNS
    }
    const grid = [0.6, 0.8, 1, 1.2, 1.4].map(f => f * mde)
    const powers = grid.map(power)
    const above = powers.findIndex(p => p >= 0.8)
    expect(above, `powers ${powers}`).toBeGreaterThan(0)
    const [e0, e1, p0, p1] = [grid[above - 1]!, grid[above]!, powers[above - 1]!, powers[above]!]
    const simulated = e0 + ((0.8 - p0) / (p1 - p0)) * (e1 - e0)
    // Closed form: SE = sqrt((0.04² + 0.03² / 5) / 120) = 0.003851, so MDE ≈ 2.8016 · 0.003851 = 0.01079.
    expect(mde).toBeGreaterThan(0.0108 * 0.9)
    expect(mde).toBeLessThan(0.0108 * 1.1)
    expect(Math.abs(simulated / mde - 1), `simulated 80% point ${simulated}, MDE ${mde}`).toBeLessThan(0.1)
    expect(Math.abs(simulated / naive - 1), `items-as-independent MDE ${naive}`).toBeGreaterThan(0.3)
  })
})

describe('paired perplexity ratio over documents', () => {
  test('hand-computed: NLL sums 30 → 33 over 10 tokens give the ratio e^0.3', () => {
    const result = pairedPerplexityRatio([10, 20], [11, 22], [4, 6], { samples: 100, seed: 1 })
    expect(result.ratio).toBeCloseTo(Math.exp(0.3), 14)
  })

  test(`covers a known 2% rise in perplexity 93–97% of ${RUNS} simulated runs (120 documents of 50–500 tokens)`, () => {
    const theta = Math.log(1.02)
    const random = seededRandom(24)
    let covered = 0
    for (let run = 0; run < RUNS; run++) {
      const units = Array.from({ length: 120 }, () => 50 + random.integer(451))
      // Per-token NLL around 3.5 nats with a per-document difficulty; the run adds θ per token plus document-level noise.
      const base = units.map(u => u * (3.5 + 0.5 * random.normal()))
      const now = base.map((b, i) => b + theta * units[i]! + 0.3 * Math.sqrt(units[i]!) * random.normal())
      const { low, high } = pairedPerplexityRatio(base, now, units, { samples: 400, seed: run })
      if (low <= 1.02 && 1.02 <= high) covered++
    }
    expect(covered / RUNS, `coverage ${covered / RUNS}`).toBeGreaterThanOrEqual(0.93)
    expect(covered / RUNS, `coverage ${covered / RUNS}`).toBeLessThanOrEqual(0.97)
  })
})
