// Inference for the variable-projection fit of L = E + A·N^−α in ln L (Gauss–Newton linearisation): the
// residual scale on n − 3 dof, the parameters' covariance, and at a named size the confidence interval of the
// fitted curve and the prediction interval for one new model's measured loss (curve uncertainty plus the
// per-model scatter, t on n − 3 dof). When E sits at its bound 0 the curve's uncertainty comes from (A, α)
// alone, but the search still spent three parameters, so the scale keeps n − 3 dof (n − 2 undercovers).
import { Matrix, inverse } from 'ml-matrix'
import { studentTCritical } from './student-t.ts'
import type { ProjectionFit } from './variable-projection.ts'

export interface SaturatingPrediction {
  params: number
  loss: number
  /** Confidence interval of the fitted curve at this size. */
  meanInterval: [number, number] | null
  /** Interval that one new model of this size measures inside, with the fit's per-model scatter. */
  predictionInterval: [number, number] | null
}

/** ∂ ln L̂ / ∂(E, ln A, α) at N, without the E column when E is held at 0. */
function gradient(fit: ProjectionFit, N: number): number[] {
  const power = fit.A * N ** -fit.alpha
  const f = fit.E + power
  const row = [power / f, (-power * Math.log(N)) / f]
  return fit.irreducibleAtZero ? row : [1 / f, ...row]
}

export interface SaturatingInference {
  /** n − 3: the law's three parameters were searched even when E ends at 0. */
  dof: number
  /** Residual SD of ln L on `dof`; null when dof = 0. */
  residualSd: number | null
  /** Covariance of (E, ln A, α) (or (ln A, α)); null when singular or without dof. */
  covariance: number[][] | null
}

export function saturatingInference(params: readonly number[], fit: ProjectionFit): SaturatingInference {
  const dof = params.length - 3
  if (dof < 1) return { dof, residualSd: null, covariance: null }
  const residualSd = Math.sqrt(fit.rss / dof)
  const jacobian = new Matrix(params.map(N => gradient(fit, N)))
  try {
    const covariance = inverse(jacobian.transpose().mmul(jacobian)).mul(residualSd ** 2)
    const rows = covariance.to2DArray()
    return { dof, residualSd, covariance: rows.every(r => r.every(Number.isFinite)) ? rows : null }
  } catch {
    return { dof, residualSd, covariance: null }
  }
}

export function predictSaturating(fit: ProjectionFit, inference: SaturatingInference, N: number, level: number): SaturatingPrediction {
  const logLoss = Math.log(fit.E + fit.A * N ** -fit.alpha)
  const loss = Math.exp(logLoss)
  const { covariance, residualSd, dof } = inference
  if (covariance === null || residualSd === null) return { params: N, loss, meanInterval: null, predictionInterval: null }
  const g = gradient(fit, N)
  const meanVariance = g.reduce((s, gi, i) => s + gi * g.reduce((t, gj, j) => t + covariance[i]![j]! * gj, 0), 0)
  const t = studentTCritical(level, dof)
  const band = (variance: number): [number, number] => [Math.exp(logLoss - t * Math.sqrt(variance)), Math.exp(logLoss + t * Math.sqrt(variance))]
  return { params: N, loss, meanInterval: band(meanVariance), predictionInterval: band(meanVariance + residualSd ** 2) }
}
