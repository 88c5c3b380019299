// Downstream accuracy: a log-linear trend against log10 N (per convention) and a chance-floored
// sigmoid against loss, both weighted by the binomial stderr of each accuracy.
import type { AccuracyCurvePoint, AccuracyPrediction, NestedBootstrapResult, TaskScaling } from './analysis-types.ts'
import { CONVENTION_LABELS, type ParameterConvention, type TaskAccuracy } from './input.ts'
import { logSpaced } from './log-spaced.ts'
import { fitLinear, predictLinear } from './linear-fit.ts'
import { nestedBootstrap } from './nested-bootstrap.ts'
import { fitChanceFlooredSigmoid, sigmoidBand } from './sigmoid.ts'

export interface DownstreamModel {
  modelId: string
  params: Record<ParameterConvention, number | null>
  loss: number
  accuracies: Record<string, TaskAccuracy>
}

export interface DownstreamOptions {
  conventions: ParameterConvention[]
  level: number
  chanceLevels: Record<string, number>
  fitSigmoidCeiling: boolean
  curvePoints: number
  nestedSamples: number
  seed: number
}

/** The accuracy-per-decade slope (weights 1/stderr² of each drawn model) resampled over items and models. */
function nestedAccuracySlope(
  rows: readonly DownstreamModel[],
  task: string,
  convention: ParameterConvention,
  options: DownstreamOptions,
): NestedBootstrapResult {
  const sizes = rows.map(m => m.params[convention])
  const accuracies = rows.map(m => m.accuracies[task]!)
  if (sizes.some(s => s === null) || accuracies.some(a => !a.items)) return { available: false, reason: 'the results hold no per-item scores for every model' }
  const x = (sizes as number[]).map(Math.log10)
  const weight = new Map(x.map((v, i) => [v, 1 / accuracies[i]!.stderr ** 2]))
  return nestedBootstrap(
    x,
    accuracies.map(a => ({ numerator: a.items!, ...(a.clusters ? { clusters: a.clusters } : {}) })),
    ['accuracy per decade (fraction)'],
    (xs, ys) => [fitLinear(xs, ys, { weights: xs.map(v => weight.get(v)!) }).slope],
    { samples: options.nestedSamples, seed: options.seed, level: options.level, minDistinct: 2 },
  )
}

export function analyzeTask(
  task: string,
  models: readonly DownstreamModel[],
  chance: number,
  chanceSource: TaskScaling['chanceSource'],
  options: DownstreamOptions,
): TaskScaling {
  const rows = models.filter(m => m.accuracies[task] !== undefined)
  const acc = rows.map(m => m.accuracies[task]!.acc)
  const stderr = rows.map(m => m.accuracies[task]!.stderr)
  const weights = stderr.map(s => 1 / (s * s))
  const pct = Math.round(options.level * 100)
  const versusLogParams = options.conventions.flatMap(convention => {
    const sizes = rows.map(m => m.params[convention])
    if (rows.length < 3 || sizes.some(s => s === null)) return []
    const x = (sizes as number[]).map(Math.log10)
    const line = fitLinear(x, acc, { weights, level: options.level })
    const curve: AccuracyCurvePoint[] = logSpaced(Math.min(...(sizes as number[])) / 2, Math.max(...(sizes as number[])) * 2, options.curvePoints).map(N => {
      const p = predictLinear(line, Math.log10(N))
      return { x: N, accuracy: p.y, lower: p.meanInterval?.[0] ?? null, upper: p.meanInterval?.[1] ?? null }
    })
    return [
      {
        convention,
        label: CONVENTION_LABELS[convention],
        accuracyPerDecade: {
          estimate: line.slope,
          se: line.slopeSE,
          interval: line.slopeInterval,
          intervalMethod: `${pct}% t-interval, ${line.dof} dof, weights 1/stderr²`,
          pValue: line.slopePValue,
        },
        intercept: line.intercept,
        rSquared: line.rSquared,
        dof: line.dof,
        curve,
      },
    ]
  })
  let versusLoss: TaskScaling['versusLoss']
  const parameters = options.fitSigmoidCeiling ? 3 : 2
  if (rows.length < parameters + 1) {
    versusLoss = { available: false, reason: `${rows.length} models; the sigmoid has ${parameters} free parameters and needs at least ${parameters + 1}` }
  } else {
    const loss = rows.map(m => m.loss)
    const fit = fitChanceFlooredSigmoid(loss, acc, stderr, { chance, fitCeiling: options.fitSigmoidCeiling, level: options.level })
    const span = Math.max(...loss) - Math.min(...loss)
    const curve = Array.from({ length: options.curvePoints }, (_, i) => {
      const L = Math.min(...loss) - 0.25 * span + (1.5 * span * i) / (options.curvePoints - 1)
      return { x: L, ...sigmoidBand(fit, L) }
    })
    versusLoss = { available: true, fit, curve }
  }
  const nested =
    rows.length >= 3 && options.conventions[0]
      ? nestedAccuracySlope(rows, task, options.conventions[0], options)
      : { available: false as const, reason: 'fewer than 3 models' }
  return { task, chance, chanceSource, models: rows.map(m => m.modelId), versusLogParams, nestedBootstrap: nested, versusLoss }
}

/** The chance level each task declared (results record it with every case): there is no table to fall back on. */
function declaredChance(task: string, chanceLevels: Readonly<Record<string, number>>): number {
  const chance = chanceLevels[task]
  if (chance === undefined) throw new Error(`No chance level for task "${task}": its results declare none; pass options.chanceLevels.${task}`)
  if (!(chance >= 0 && chance < 1)) throw new Error(`chanceLevels.${task}: must be in [0, 1), got ${chance}`)
  return chance
}

/** Every task any model reports, plus an "average" over the tasks that every model reports (≥ 2 tasks). */
export function analyzeDownstream(models: readonly DownstreamModel[], options: DownstreamOptions): TaskScaling[] {
  const tasks = [...new Set(models.flatMap(m => Object.keys(m.accuracies)))].sort()
  const results = tasks.map(task => {
    return analyzeTask(task, models, declaredChance(task, options.chanceLevels), 'declared', options)
  })
  const shared = tasks.filter(task => models.every(m => m.accuracies[task] !== undefined))
  if (shared.length >= 2 && !shared.includes('average')) {
    // Mean accuracy over tasks; its stderr treats tasks as independent samples.
    const averaged = models.map(m => {
      const entries = shared.map(t => m.accuracies[t]!)
      return {
        ...m,
        accuracies: {
          average: {
            acc: entries.reduce((s, e) => s + e.acc, 0) / entries.length,
            stderr: Math.sqrt(entries.reduce((s, e) => s + e.stderr ** 2, 0)) / entries.length,
          },
        },
      }
    })
    const chance = shared.reduce((s, t) => s + declaredChance(t, options.chanceLevels), 0) / shared.length
    results.push(analyzeTask('average', averaged, chance, 'mean of tasks', options))
  }
  return results
}

/**
 * A task's accuracy at a predicted loss through its sigmoid: the expected accuracy at the predicted loss, and an
 * interval from the sigmoid's band at the loss interval's ends (accuracy falls as loss rises), so it carries both
 * the loss prediction's and the sigmoid's uncertainty.
 */
export function accuracyAtPredictedLoss(task: TaskScaling, loss: number, lossInterval: [number, number] | null): AccuracyPrediction | null {
  if (!task.versusLoss.available) return null
  const fit = task.versusLoss.fit
  const centre = sigmoidBand(fit, loss)
  const interval: [number, number] | null =
    lossInterval === null ? null : [sigmoidBand(fit, lossInterval[1]).lower ?? Number.NaN, sigmoidBand(fit, lossInterval[0]).upper ?? Number.NaN]
  return { task: task.task, accuracy: centre.accuracy, interval: interval && interval.every(Number.isFinite) ? interval : null }
}
