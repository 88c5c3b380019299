// Uncertainty of a fit from two sources, by resampling (Besiroglu et al. 2024 ask for both): each model's own
// evaluation (its items, or their clusters, drawn with replacement; the model's figure recomputed as Σ numerator /
// Σ denominator) and the choice of models (models drawn with replacement). Three runs of the same seeded bootstrap
// give the parts: items only (models fixed), models only (each model's figure fixed) and nested (models, then
// items within each drawn model). A statistic that cannot be fitted to a draw (too few distinct sizes) redraws.
import { sampleStandardDeviation } from 'simple-statistics'
import { seededRandom, type Random } from '../core/random.ts'
import { clusterGroups } from '../statistics/paired.ts'
import { percentileInterval } from './bootstrap.ts'

/** One model's evaluation, item by item: its figure is Σ numerator / Σ denominator (denominator 1 each for a mean). */
export interface ItemSample {
  readonly numerator: readonly number[]
  readonly denominator?: readonly number[]
  /** Each item's cluster (items sharing a passage are drawn together). */
  readonly clusters?: readonly number[]
}

export interface NestedBootstrapOptions {
  samples: number
  seed: number
  level: number
  /** Fewest distinct sizes a model draw needs for the statistic (e.g. 3 for the saturating law). */
  minDistinct: number
}

export interface SpreadEstimate {
  sd: number
  interval: [number, number]
}

export interface NestedQuantity {
  name: string
  estimate: number
  /** From each model's own evaluation (models fixed). */
  items: SpreadEstimate
  /** From the choice of models (each model's figure fixed). */
  models: SpreadEstimate
  /** Both at once: models drawn, then items within each drawn model. */
  nested: SpreadEstimate
}

export interface NestedBootstrap {
  available: true
  samples: number
  seed: number
  quantities: NestedQuantity[]
  /** Per model, the SD of its figure over item resamples: its standard error from its own evaluation. */
  itemStandardErrors: number[]
  /** Model draws redrawn for too few distinct sizes, and replicates the statistic could not fit (left out). */
  redrawn: number
  failed: number
}

/** The statistic: sizes and figures of the models drawn → the named quantities, or null when it cannot fit. */
export type FitStatistic = (x: readonly number[], y: readonly number[]) => number[] | null

/** A model's items reduced to per-cluster sums (one cluster per item when none are declared): a draw sums clusters. */
interface ClusterSums {
  numerator: number[]
  denominator: number[]
}

function clusterSums(sample: ItemSample, index: number): ClusterSums {
  if (sample.denominator && sample.denominator.length !== sample.numerator.length)
    throw new Error(`nestedBootstrap: model ${index} has ${sample.numerator.length} numerators but ${sample.denominator.length} denominators`)
  const groups = clusterGroups(sample.numerator.length, sample.clusters)
  return {
    numerator: groups.map(g => g.reduce((s, i) => s + sample.numerator[i]!, 0)),
    denominator: groups.map(g => g.reduce((s, i) => s + (sample.denominator?.[i] ?? 1), 0)),
  }
}

function observedFigure(sums: ClusterSums): number {
  return sums.numerator.reduce((s, v) => s + v, 0) / sums.denominator.reduce((s, v) => s + v, 0)
}

function drawnFigure(sums: ClusterSums, random: Random): number {
  const g = sums.numerator.length
  let numerator = 0
  let denominator = 0
  for (let k = 0; k < g; k++) {
    const pick = random.integer(g)
    numerator += sums.numerator[pick]!
    denominator += sums.denominator[pick]!
  }
  return numerator / denominator
}

export function nestedBootstrap(
  x: readonly number[],
  samples: readonly ItemSample[],
  names: readonly string[],
  statistic: FitStatistic,
  options: NestedBootstrapOptions,
): NestedBootstrap | { available: false; reason: string } {
  const m = x.length
  if (samples.length !== m) throw new Error(`nestedBootstrap: ${m} sizes but ${samples.length} item samples`)
  if (new Set(x).size < options.minDistinct) return { available: false, reason: `fewer than ${options.minDistinct} distinct sizes` }
  const sums = samples.map(clusterSums)
  const observed = sums.map(observedFigure)
  const estimate = statistic(x, observed)
  if (estimate === null) return { available: false, reason: 'the statistic cannot be fitted to the observed models' }
  let redrawn = 0
  let failed = 0
  const drawModels = (random: Random): number[] => {
    for (;;) {
      const picks = Array.from({ length: m }, () => random.integer(m))
      if (new Set(picks.map(i => x[i])).size >= options.minDistinct) return picks
      redrawn++
    }
  }
  const itemFigures: number[][] = samples.map(() => [])
  const run = (mode: 'items' | 'models' | 'nested'): number[][] => {
    const random = seededRandom(options.seed)
    const replicates: number[][] = []
    for (let b = 0; b < options.samples; b++) {
      const models = mode === 'items' ? x.map((_, i) => i) : drawModels(random)
      const y = models.map(i => (mode === 'models' ? observed[i]! : drawnFigure(sums[i]!, random)))
      if (mode === 'items') y.forEach((v, i) => itemFigures[i]!.push(v))
      const value = statistic(
        models.map(i => x[i]!),
        y,
      )
      if (value === null || !value.every(Number.isFinite)) failed++
      else replicates.push(value)
    }
    return replicates
  }
  const parts = { items: run('items'), models: run('models'), nested: run('nested') }
  const spread = (replicates: readonly number[][], q: number): SpreadEstimate => {
    const values = replicates.map(r => r[q]!)
    return { sd: sampleStandardDeviation(values), interval: percentileInterval(values, options.level) }
  }
  return {
    available: true,
    samples: options.samples,
    seed: options.seed,
    quantities: names.map((name, q) => ({
      name,
      estimate: estimate[q]!,
      items: spread(parts.items, q),
      models: spread(parts.models, q),
      nested: spread(parts.nested, q),
    })),
    itemStandardErrors: itemFigures.map(figures => sampleStandardDeviation(figures)),
    redrawn,
    failed,
  }
}
