// Accuracy against loss with a chance floor: acc = c + (1 − c − u)·σ(k·(L0 − L)), c fixed per task,
// u (ceiling gap) fixed at 0 unless asked for. Weighted least squares with weights 1/stderr², solved by
// ml-levenberg-marquardt on whitened residuals (its own weights option is not used: the step and the
// error use different powers of the weights in 5.1.0, so pre-dividing by the stderr is the safe route).
import { levenbergMarquardt } from 'ml-levenberg-marquardt'
import { Matrix, inverse } from 'ml-matrix'
import { chiSquaredSurvival } from '../statistics/chi-squared.ts'
import { normalQuantile } from '../statistics/normal.ts'
import { studentTCritical } from './student-t.ts'

export interface SigmoidOptions {
  chance: number
  /** Fit the ceiling gap u in [0, 1 − c); otherwise u = 0. */
  fitCeiling?: boolean
  level?: number
}

export interface ParameterEstimate {
  estimate: number
  se: number | null
  interval: [number, number] | null
}

export interface SigmoidFit {
  chance: number
  slope: ParameterEstimate
  midpointLoss: ParameterEstimate
  ceilingGap: ParameterEstimate
  ceilingFitted: boolean
  chiSquared: number
  dof: number
  converged: boolean
  level: number
  /** How SEs were scaled: by √(χ²/dof) when that exceeds 1 (extra scatter beyond binomial noise). */
  seScaling: number
  /** Upper-tail p-value of χ² on dof: small means the points scatter about the curve beyond their stderrs. */
  pValue: number | null
  /** Covariance of the fitted parameters (k, L0[, u]) with the same scaling; null when singular. */
  covariance: number[][] | null
}

/** The expected accuracy at a loss, with its delta-method t interval from the parameters' covariance, kept in [c, 1]. */
export function sigmoidBand(fit: SigmoidFit, loss: number): { accuracy: number; lower: number | null; upper: number | null } {
  const k = fit.slope.estimate
  const L0 = fit.midpointLoss.estimate
  const u = fit.ceilingGap.estimate
  const accuracy = chanceFlooredSigmoid(loss, fit.chance, k, L0, u)
  if (fit.covariance === null || fit.dof < 1) return { accuracy, lower: null, upper: null }
  const g = sigmoidGradient(loss, fit.chance, [k, L0, ...(fit.ceilingFitted ? [u] : [])], fit.ceilingFitted)
  const variance = g.reduce((sum, gi, i) => sum + gi * g.reduce((t, gj, j) => t + fit.covariance![i]![j]! * gj, 0), 0)
  const half = criticalValue(fit.level, fit.dof, fit.seScaling) * Math.sqrt(Math.max(0, variance))
  return { accuracy, lower: Math.max(fit.chance, accuracy - half), upper: Math.min(1, accuracy + half) }
}

/**
 * The stderrs are known (binomial), so intervals use the normal quantile; once the scatter exceeds them and the
 * SEs are scaled by √(χ²/dof), that scale is estimated and t on dof applies.
 */
function criticalValue(level: number, dof: number, seScaling: number): number {
  return seScaling > 1 ? studentTCritical(level, dof) : normalQuantile(0.5 + level / 2)
}

/** ∂ acc / ∂(k, L0[, u]) at one loss. */
function sigmoidGradient(loss: number, chance: number, theta: readonly number[], fitCeiling: boolean): number[] {
  const [k, L0] = theta as [number, number]
  const u = fitCeiling ? theta[2]! : 0
  const s = 1 / (1 + Math.exp(-k * (L0 - loss)))
  const height = 1 - chance - u
  const ds = s * (1 - s)
  return [height * ds * (L0 - loss), height * ds * k, ...(fitCeiling ? [-s] : [])]
}

export function chanceFlooredSigmoid(loss: number, chance: number, slope: number, midpointLoss: number, ceilingGap = 0): number {
  return chance + (1 - chance - ceilingGap) / (1 + Math.exp(-slope * (midpointLoss - loss)))
}

export function fitChanceFlooredSigmoid(loss: readonly number[], accuracy: readonly number[], stderr: readonly number[], options: SigmoidOptions): SigmoidFit {
  const n = loss.length
  const { chance } = options
  const level = options.level ?? 0.95
  const fitCeiling = options.fitCeiling ?? false
  const p = fitCeiling ? 3 : 2
  if (accuracy.length !== n || stderr.length !== n)
    throw new Error(`fitChanceFlooredSigmoid: ${n} losses, ${accuracy.length} accuracies, ${stderr.length} stderrs`)
  if (n < p + 1) throw new Error(`fitChanceFlooredSigmoid: need at least ${p + 1} points for ${p} parameters (got ${n})`)
  stderr.forEach((s, i) => {
    if (!(s > 0)) throw new Error(`fitChanceFlooredSigmoid: stderr ${i} must be positive (got ${s})`)
  })
  if (!(chance >= 0 && chance < 1)) throw new Error(`fitChanceFlooredSigmoid: chance must be in [0, 1) (got ${chance})`)
  // Start: linearise with the logit of the rescaled accuracy; logit = k·L0 − k·L.
  const scaled = accuracy.map(a => Math.min(0.98, Math.max(0.02, (a - chance) / (1 - chance))))
  const logits = scaled.map(s => Math.log(s / (1 - s)))
  const meanL = loss.reduce((s, v) => s + v, 0) / n
  const meanLogit = logits.reduce((s, v) => s + v, 0) / n
  let sxy = 0
  let sxx = 0
  loss.forEach((l, i) => {
    sxy += (l - meanL) * (logits[i]! - meanLogit)
    sxx += (l - meanL) ** 2
  })
  const startSlope = sxx > 0 && sxy < 0 ? -sxy / sxx : 1
  const start = [startSlope, meanL + meanLogit / startSlope, ...(fitCeiling ? [0.01] : [])]
  const modelAt = (theta: number[], i: number) => chanceFlooredSigmoid(loss[i]!, chance, theta[0]!, theta[1]!, fitCeiling ? theta[2]! : 0)
  const gradientAt = (theta: number[], i: number): number[] => sigmoidGradient(loss[i]!, chance, theta, fitCeiling)
  const indices = loss.map((_, i) => i)
  const result = levenbergMarquardt({ x: indices, y: accuracy.map((a, i) => a / stderr[i]!) }, theta => i => modelAt(theta, i) / stderr[i]!, {
    initialValues: start,
    jacobianFunction: theta => i => gradientAt(theta, i).map(g => g / stderr[i]!),
    minValues: [1e-6, -1e6, ...(fitCeiling ? [0] : [])],
    maxValues: [1e4, 1e6, ...(fitCeiling ? [1 - chance - 1e-6] : [])],
    damping: 1e-2,
    maxIterations: 300,
    errorTolerance: 0,
    improvementThreshold: 1e-6,
  })
  const theta = result.parameterValues
  const residuals = indices.map(i => (accuracy[i]! - modelAt(theta, i)) / stderr[i]!)
  const chiSquared = residuals.reduce((s, r) => s + r * r, 0)
  const jacobian = new Matrix(indices.map(i => gradientAt(theta, i).map(g => g / stderr[i]!)))
  const gradient = jacobian.transpose().mmul(Matrix.columnVector(residuals))
  const information = jacobian.transpose().mmul(jacobian)
  const converged = gradient.norm() <= 1e-6 * Math.max(1, Math.sqrt(chiSquared)) * Math.max(1, Math.sqrt(information.norm()))
  const dof = n - p
  const seScaling = Math.max(1, Math.sqrt(chiSquared / dof))
  let ses: (number | null)[] = theta.map(() => null)
  let covariance: number[][] | null = null
  try {
    const inverted = inverse(information)
    ses = theta.map((_, j) => {
      const v = inverted.get(j, j)
      return v > 0 && Number.isFinite(v) ? Math.sqrt(v) * seScaling : null
    })
    const scaled = inverted.mul(seScaling ** 2).to2DArray()
    covariance = ses.every(se => se !== null) && scaled.every(row => row.every(Number.isFinite)) ? scaled : null
  } catch {
    // Singular information matrix (e.g. all points on the flat part of the sigmoid): SEs stay null.
  }
  const t = criticalValue(level, dof, seScaling)
  const estimate = (j: number): ParameterEstimate => {
    const se = ses[j] ?? null
    return { estimate: theta[j]!, se, interval: se === null ? null : [theta[j]! - t * se, theta[j]! + t * se] }
  }
  return {
    chance,
    slope: estimate(0),
    midpointLoss: estimate(1),
    ceilingGap: fitCeiling ? estimate(2) : { estimate: 0, se: null, interval: null },
    ceilingFitted: fitCeiling,
    chiSquared,
    dof,
    converged,
    level,
    seScaling,
    pValue: dof >= 1 ? chiSquaredSurvival(chiSquared, dof) : null,
    covariance,
  }
}
