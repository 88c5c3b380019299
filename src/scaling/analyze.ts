// The single entry point: per-model points in, a plain JSON-serialisable scaling analysis out.
import type {
  ConventionAnalysis,
  CurvePoint,
  Estimate,
  FormPrediction,
  ModelSummary,
  NestedBootstrapResult,
  SaturatingLawResult,
  ScalingAnalysis,
} from './analysis-types.ts'
import { bootstrapSaturating, percentileInterval } from './bootstrap.ts'
import { accuracyAtPredictedLoss, analyzeDownstream, type DownstreamModel } from './downstream.ts'
import { forwardRollout, leaveOneOut, type HeldOutPrediction } from './extrapolation.ts'
import { serialBlocks, serialRatioStandardError } from '../statistics/long-run-variance.ts'
import { CONVENTION_LABELS, validateScalingInput, type LossItems, type ParameterConvention, type ScalingOptions } from './input.ts'
import { nestedBootstrap } from './nested-bootstrap.ts'
import { profileIrreducibleLoss } from './irreducible-profile.ts'
import { logSpaced } from './log-spaced.ts'
import { fitLinear, predictLinear, type LinearFit } from './linear-fit.ts'
import { LOSS_FORM_NAMES, type LossForm } from './loss-forms.ts'
import { compareLossForms } from './model-selection.ts'
import { goodnessOfFit } from './goodness-of-fit.ts'
import { huberCrossCheck } from './huber-cross-check.ts'
import { predictSaturating, saturatingInference } from './saturating-inference.ts'
import { fitSaturatingHuber, saturatingLoss, type SaturatingParameters } from './saturating-law.ts'
import { fitSaturatingProjection, REPLICATE_PRECISION } from './variable-projection.ts'
import { sampleStandardDeviation } from 'simple-statistics'

const DEFAULTS = {
  level: 0.95,
  seed: 20240601,
  bootstrapSamples: 1000,
  bootstrapMethod: 'parametric',
  huberDelta: 1e-3,
  curvePoints: 41,
  nestedSamples: 400,
} as const

interface Resolved {
  level: number
  seed: number
  bootstrapSamples: number
  bootstrapMethod: 'parametric' | 'residual'
  huberDelta: number
  curvePoints: number
  logLossNoiseSd: number | undefined
  profileE: number[]
  predictAt: number[]
  nestedSamples: number
}

function olsEstimate(line: LinearFit, sign: 1 | -1, level: number): Estimate & { pValue: number | null } {
  const interval =
    line.slopeInterval === null ? null : ((sign === 1 ? line.slopeInterval : [-line.slopeInterval[1], -line.slopeInterval[0]]) as [number, number])
  return {
    estimate: sign * line.slope,
    se: line.slopeSE,
    interval,
    intervalMethod: `${Math.round(level * 100)}% t-interval, ${line.dof} dof`,
    pValue: line.slopePValue,
  }
}

function bootstrapEstimate(point: number, draws: number[] | null, level: number): Estimate {
  if (draws === null) return { estimate: point, se: null, interval: null, intervalMethod: 'none (bootstrap unavailable)' }
  return {
    estimate: point,
    se: sampleStandardDeviation(draws),
    interval: percentileInterval(draws, level),
    intervalMethod: `${Math.round(level * 100)}% bootstrap percentile`,
  }
}

/** `lossSe`: each model's standard error of its loss (nats), null where unknown; `lossItems` when every model has them. */
function analyzeConvention(
  convention: ParameterConvention,
  ids: string[],
  params: number[],
  loss: number[],
  givenLossSe: (number | null)[],
  lossItems: LossItems[] | null,
  o: Resolved,
): ConventionAnalysis {
  const nested: NestedBootstrapResult = lossItems
    ? nestedBootstrap(
        params,
        lossItems.map(l => ({ numerator: l.nll, denominator: l.units, ...(l.serial ? { clusters: serialBlocks(l.nll.length) } : {}) })),
        ['loss exponent α', 'irreducible loss E', ...o.predictAt.map(N => `loss at N = ${N.toPrecision(3)}`)],
        (x, y) => {
          const fit = fitSaturatingProjection(x, y, REPLICATE_PRECISION)
          return [fit.alpha, fit.E, ...o.predictAt.map(N => saturatingLoss(fit, N))]
        },
        { samples: o.nestedSamples, seed: o.seed, level: o.level, minDistinct: 3 },
      )
    : { available: false, reason: 'the results hold no per-item losses for every model' }
  // Each model's standard error from its own items when none was given: windows of one text by their long-run
  // variance (neighbours correlate), independent documents by the item bootstrap.
  const lossSe = givenLossSe.map((se, i) => {
    const items = lossItems?.[i]
    if (se !== null) return se
    if (items?.serial && items.nll.length >= 9) return serialRatioStandardError(items.nll, items.units)
    return nested.available ? nested.itemStandardErrors[i]! : null
  })
  const logN = params.map(Math.log)
  const pct = Math.round(o.level * 100)
  const pplLine = fitLinear(logN, loss, { level: o.level })
  const lossLine = fitLinear(logN, loss.map(Math.log), { level: o.level })

  const fit = fitSaturatingProjection(params, loss)
  const inference = saturatingInference(params, fit)
  const outcome = bootstrapSaturating(params, loss, fit, {
    method: o.bootstrapMethod,
    samples: o.bootstrapSamples,
    seed: o.seed,
    ...(o.logLossNoiseSd !== undefined ? { logLossNoiseSd: o.logLossNoiseSd } : {}),
  })
  const replicates: SaturatingParameters[] | null = outcome.available ? outcome.bootstrap.replicates : null
  const { E, A, alpha } = fit
  const saturatingLaw: SaturatingLawResult = {
    fit: {
      method: 'variable projection',
      rss: fit.rss,
      residuals: fit.residuals,
      converged: fit.converged,
      irreducibleAtZero: fit.irreducibleAtZero,
      dof: inference.dof,
      residualSd: inference.residualSd,
    },
    huberCrossCheck: huberCrossCheck(fit, fitSaturatingHuber(params, loss, { delta: o.huberDelta }), loss),
    // SE of ln L is SE(L)/L; the law spent three parameters.
    goodnessOfFit: goodnessOfFit(
      fit.residuals,
      lossSe.map((se, i) => (se === null ? null : se / loss[i]!)),
      3,
    ),
    irreducibleLoss: bootstrapEstimate(E, replicates && replicates.map(r => r.E), o.level),
    coefficientA: bootstrapEstimate(A, replicates && replicates.map(r => r.A), o.level),
    lossExponentAlpha: bootstrapEstimate(alpha, replicates && replicates.map(r => r.alpha), o.level),
    perplexitySlopeAtSmallest: -alpha * (saturatingLoss(fit, params[0]!) - E),
    perplexitySlopeAtLargest: -alpha * (saturatingLoss(fit, params[params.length - 1]!) - E),
    bootstrap: outcome.available
      ? {
          available: true,
          method: outcome.bootstrap.method,
          samples: outcome.bootstrap.samples,
          seed: outcome.bootstrap.seed,
          logLossNoiseSd: outcome.bootstrap.logLossNoiseSd,
          noiseSource: outcome.bootstrap.noiseSource,
          unconverged: outcome.bootstrap.unconverged,
        }
      : outcome,
  }
  const profile = profileIrreducibleLoss(params, loss, { grid: o.profileE.filter(e => e < Math.min(...loss)), level: o.level })

  const leave = {} as Record<LossForm, HeldOutPrediction[] | null>
  const rollout = {} as Record<LossForm, HeldOutPrediction[]>
  for (const form of LOSS_FORM_NAMES) {
    leave[form] = leaveOneOut(form, params, loss)
    rollout[form] = forwardRollout(form, params, loss)
  }

  const olsBand = (line: LinearFit, back: (v: number) => number) => (N: number) => {
    const p = predictLinear(line, Math.log(N))
    return {
      loss: back(p.y),
      lossInterval: p.meanInterval && ([back(p.meanInterval[0]), back(p.meanInterval[1])] as [number, number]),
      newModelLossInterval: p.observationInterval && ([back(p.observationInterval[0]), back(p.observationInterval[1])] as [number, number]),
    }
  }
  const bands: Record<LossForm, (N: number) => { loss: number; lossInterval: [number, number] | null; newModelLossInterval: [number, number] | null }> = {
    logLinear: olsBand(pplLine, v => v),
    powerLaw: olsBand(lossLine, Math.exp),
    saturating: N => ({
      loss: saturatingLoss(fit, N),
      lossInterval:
        replicates &&
        percentileInterval(
          replicates.map(r => saturatingLoss(r, N)),
          o.level,
        ),
      newModelLossInterval: predictSaturating(fit, inference, N, o.level).predictionInterval,
    }),
  }
  const methods: Record<LossForm, string> = {
    logLinear: `${pct}% t confidence interval of the fitted line (${pplLine.dof} dof)`,
    powerLaw: `${pct}% t confidence interval of the fitted line in ln L (${lossLine.dof} dof)`,
    saturating: `${replicates ? `${pct}% bootstrap percentile of the fitted curve` : 'curve: none (bootstrap unavailable)'}; new model: ${pct}% t prediction interval, ${inference.dof} dof`,
  }
  const predictions = o.predictAt.map(N => {
    const forms = {} as Record<LossForm, FormPrediction>
    for (const form of LOSS_FORM_NAMES) {
      const b = bands[form](N)
      forms[form] = {
        ...b,
        perplexity: Math.exp(b.loss),
        perplexityInterval: b.lossInterval && [Math.exp(b.lossInterval[0]), Math.exp(b.lossInterval[1])],
        intervalMethod: methods[form],
      }
    }
    return { params: N, forms, accuracies: [] }
  })
  const curveSizes = logSpaced(params[0]! / 2, Math.max(params[params.length - 1]! * 2, ...o.predictAt), o.curvePoints)
  const curves = {} as Record<LossForm, CurvePoint[]>
  for (const form of LOSS_FORM_NAMES) {
    curves[form] = curveSizes.map(N => {
      const b = bands[form](N)
      return { params: N, loss: b.loss, lossLower: b.lossInterval?.[0] ?? null, lossUpper: b.lossInterval?.[1] ?? null }
    })
  }
  return {
    convention,
    label: CONVENTION_LABELS[convention],
    order: ids,
    params,
    perplexityLaw: {
      perplexitySlope: { ...olsEstimate(pplLine, 1, o.level), definition: 'd ln PPL / d ln N' },
      prefactor: Math.exp(pplLine.intercept),
      interceptLog10: pplLine.intercept / Math.LN10,
      rSquared: pplLine.rSquared,
      dof: pplLine.dof,
    },
    lossPowerLaw: {
      lossExponentAlpha: { ...olsEstimate(lossLine, -1, o.level), definition: '−d ln L / d ln N' },
      coefficientA: Math.exp(lossLine.intercept),
      rSquared: lossLine.rSquared,
      dof: lossLine.dof,
    },
    saturatingLaw,
    nestedBootstrap: nested,
    irreducibleProfile: profile,
    extrapolation: { leaveOneOut: leave, forwardRollout: rollout },
    formComparison: compareLossForms(params, loss, profile.best.sse),
    predictions,
    curves,
  }
}

/**
 * Fit every scaling law to per-model points. Each N-dependent result is computed once per parameter
 * convention (total always; non-embedding when every model gives it) and labelled with it.
 */
export function analyzeScaling(points: unknown, options: ScalingOptions = {}): ScalingAnalysis {
  const input = validateScalingInput(points, options)
  const opts = input.options
  const models: ModelSummary[] = input.points.map(p => {
    const loss = p.loss ?? Math.log(p.perplexity!)
    return {
      modelId: p.modelId,
      params: { total: p.params.total, nonEmbedding: p.params.nonEmbedding ?? null },
      loss,
      perplexity: Math.exp(loss),
      lossStderr: p.lossStderr ?? null,
    }
  })
  const level = opts.level ?? DEFAULTS.level
  const conventions: ParameterConvention[] = models.every(m => m.params.nonEmbedding !== null) ? ['total', 'nonEmbedding'] : ['total']
  const notes: string[] = []
  if (!conventions.includes('nonEmbedding')) notes.push('Non-embedding counts were not given for every model; only total parameters are analysed.')
  if (opts.predictAt?.nonEmbedding && !conventions.includes('nonEmbedding'))
    throw new Error('analyzeScaling: options.predictAt.nonEmbedding needs params.nonEmbedding on every point')
  const itemsOf = new Map(input.points.flatMap(p => (p.lossItems ? [[p.modelId, p.lossItems] as const] : [])))
  const sizeOf = (m: ModelSummary, c: ParameterConvention) => (c === 'total' ? m.params.total : m.params.nonEmbedding!)
  const analyses = conventions.map(convention => {
    const sorted = [...models].sort((a, b) => sizeOf(a, convention) - sizeOf(b, convention))
    for (let i = 1; i < sorted.length; i++) {
      if (sizeOf(sorted[i]!, convention) === sizeOf(sorted[i - 1]!, convention)) {
        throw new Error(
          `analyzeScaling: models "${sorted[i - 1]!.modelId}" and "${sorted[i]!.modelId}" have the same ${convention} parameter count ${sizeOf(sorted[i]!, convention)}`,
        )
      }
    }
    return analyzeConvention(
      convention,
      sorted.map(m => m.modelId),
      sorted.map(m => sizeOf(m, convention)),
      sorted.map(m => m.loss),
      sorted.map(m => m.lossStderr),
      sorted.every(m => itemsOf.has(m.modelId)) ? sorted.map(m => itemsOf.get(m.modelId)!) : null,
      {
        level,
        seed: opts.seed ?? DEFAULTS.seed,
        bootstrapSamples: opts.bootstrapSamples ?? DEFAULTS.bootstrapSamples,
        bootstrapMethod: opts.bootstrapMethod ?? DEFAULTS.bootstrapMethod,
        huberDelta: opts.huberDelta ?? DEFAULTS.huberDelta,
        curvePoints: opts.curvePoints ?? DEFAULTS.curvePoints,
        logLossNoiseSd: opts.logLossNoiseSd,
        profileE: opts.profileE ?? [],
        predictAt: opts.predictAt?.[convention] ?? [],
        nestedSamples: opts.nestedSamples ?? DEFAULTS.nestedSamples,
      },
    )
  })
  const downstreamModels: DownstreamModel[] = input.points.map((p, i) => ({
    modelId: p.modelId,
    loss: models[i]!.loss,
    accuracies: p.accuracies ?? {},
    params: { total: p.params.total, nonEmbedding: p.params.nonEmbedding ?? null },
  }))
  const downstream = analyzeDownstream(downstreamModels, {
    conventions,
    level,
    chanceLevels: opts.chanceLevels ?? {},
    fitSigmoidCeiling: opts.fitSigmoidCeiling ?? false,
    curvePoints: opts.curvePoints ?? DEFAULTS.curvePoints,
    nestedSamples: opts.nestedSamples ?? DEFAULTS.nestedSamples,
    seed: opts.seed ?? DEFAULTS.seed,
  })
  for (const analysis of analyses) {
    for (const prediction of analysis.predictions) {
      const { loss, newModelLossInterval } = prediction.forms.saturating
      prediction.accuracies = downstream.flatMap(task => accuracyAtPredictedLoss(task, loss, newModelLossInterval) ?? [])
    }
  }
  return { schema: 'lmscale.scaling/1', level, huberDelta: opts.huberDelta ?? DEFAULTS.huberDelta, models, conventions: analyses, downstream, notes }
}
