// The JSON-serialisable result of analyzeScaling (read by the report writer and the plotter).
import type { BootstrapMethod } from './bootstrap.ts'
import type { HeldOutPrediction } from './extrapolation.ts'
import type { IrreducibleProfile } from './irreducible-profile.ts'
import type { LossForm } from './loss-forms.ts'
import type { NestedBootstrap } from './nested-bootstrap.ts'
import type { FormComparison } from './model-selection.ts'
import type { ParameterConvention } from './input.ts'
import type { GoodnessOfFit } from './goodness-of-fit.ts'
import type { HuberCrossCheck } from './huber-cross-check.ts'
import type { SigmoidFit } from './sigmoid.ts'

export type NestedBootstrapResult = NestedBootstrap | { available: false; reason: string }

export interface Estimate {
  estimate: number
  se: number | null
  interval: [number, number] | null
  /** How the interval was obtained. */
  intervalMethod: string
}

export interface ModelSummary {
  modelId: string
  params: { total: number; nonEmbedding: number | null }
  loss: number
  perplexity: number
  /** Standard error of the loss (nats) from the model's own evaluation; null when unknown. */
  lossStderr: number | null
}

export interface CurvePoint {
  params: number
  loss: number
  /** Confidence band of the fitted curve; null where the method gives none. */
  lossLower: number | null
  lossUpper: number | null
}

export interface FormPrediction {
  loss: number
  lossInterval: [number, number] | null
  /** Prediction interval: where one new model's measured loss falls (the curve's uncertainty plus the per-model scatter). */
  newModelLossInterval: [number, number] | null
  perplexity: number
  perplexityInterval: [number, number] | null
  intervalMethod: string
}

export interface SaturatingLawResult {
  /** The primary fit: least squares on ln L by variable projection. */
  fit: {
    method: 'variable projection'
    /** Σ squared ln L residuals and the residuals, in the order of `order`. */
    rss: number
    residuals: number[]
    converged: boolean
    irreducibleAtZero: boolean
    /** n − 3 and the residual SD of ln L on it (null without dof). */
    dof: number
    residualSd: number | null
  }
  /** The Huber fit (Chinchilla's method) of the same law, beside it. */
  huberCrossCheck: HuberCrossCheck
  /** χ² of the ln L residuals against each model's standard error, when every model has one. */
  goodnessOfFit: GoodnessOfFit
  irreducibleLoss: Estimate
  coefficientA: Estimate
  /** α of L − E ∝ N^−α (a loss exponent, not a perplexity slope). */
  lossExponentAlpha: Estimate
  /** d ln PPL / d ln N = −α·(L − E) at the smallest and largest model. */
  perplexitySlopeAtSmallest: number
  perplexitySlopeAtLargest: number
  bootstrap:
    | {
        available: true
        method: BootstrapMethod
        samples: number
        seed: number
        logLossNoiseSd: number
        noiseSource: 'given' | 'residuals'
        unconverged: number
      }
    | { available: false; reason: string }
}

export interface ConventionAnalysis {
  convention: ParameterConvention
  /** Always shown next to any exponent: which parameter count N means. */
  label: string
  /** modelIds in increasing size, and their N in this convention. */
  order: string[]
  params: number[]
  /** OLS of ln PPL on ln N, the prior study's method; equivalently L = c + s·ln N. */
  perplexityLaw: {
    perplexitySlope: Estimate & { definition: 'd ln PPL / d ln N'; pValue: number | null }
    /** PPL = prefactor · N^slope; interceptLog10 = log10(prefactor). */
    prefactor: number
    interceptLog10: number
    rSquared: number
    dof: number
  }
  /** OLS of ln L on ln N: L = A·N^−α. */
  lossPowerLaw: {
    lossExponentAlpha: Estimate & { definition: '−d ln L / d ln N'; pValue: number | null }
    coefficientA: number
    rSquared: number
    dof: number
  }
  saturatingLaw: SaturatingLawResult
  /** The saturating law's α, E and predicted losses resampled over items within each model and over models. */
  nestedBootstrap: NestedBootstrapResult
  irreducibleProfile: IrreducibleProfile
  extrapolation: {
    leaveOneOut: Record<LossForm, HeldOutPrediction[] | null>
    forwardRollout: Record<LossForm, HeldOutPrediction[]>
  }
  formComparison: FormComparison
  /** At each size the study names: every form's loss, and each task's accuracy through its sigmoid at the saturating law's loss. */
  predictions: { params: number; forms: Record<LossForm, FormPrediction>; accuracies: AccuracyPrediction[] }[]
  curves: Record<LossForm, CurvePoint[]>
}

export interface AccuracyPrediction {
  task: string
  accuracy: number
  /** From the sigmoid's band at the ends of the loss prediction interval; null when either is missing. */
  interval: [number, number] | null
}

export interface AccuracyCurvePoint {
  x: number
  accuracy: number
  lower: number | null
  upper: number | null
}

export interface TaskScaling {
  task: string
  chance: number
  /** `declared`: the task's own chance level (results record it); `mean of tasks`: the average pseudo-task's. */
  chanceSource: 'declared' | 'mean of tasks'
  models: string[]
  /** Weighted (1/stderr²) OLS of accuracy on log10 N, per convention. */
  versusLogParams: {
    convention: ParameterConvention
    label: string
    /** Accuracy change (fraction) per tenfold increase in N. */
    accuracyPerDecade: Estimate & { pValue: number | null }
    intercept: number
    rSquared: number
    dof: number
    /** x is N. */
    curve: AccuracyCurvePoint[]
  }[]
  /** accuracyPerDecade (first convention) resampled over items within each model and over models. */
  nestedBootstrap: NestedBootstrapResult
  versusLoss: { available: true; fit: SigmoidFit /** x is loss (nats). */; curve: AccuracyCurvePoint[] } | { available: false; reason: string }
}

export interface ScalingAnalysis {
  schema: 'lmscale.scaling/1'
  level: number
  huberDelta: number
  models: ModelSummary[]
  conventions: ConventionAnalysis[]
  downstream: TaskScaling[]
  notes: string[]
}
