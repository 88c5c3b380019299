// Straight-line least squares (optionally weighted) with the usual small-sample inference:
// slope/intercept standard errors, t-based intervals, R², slope p-value, confidence and prediction bands.
import { studentTCritical, studentTTwoSidedPValue } from './student-t.ts'

export interface LinearFit {
  n: number
  /** Residual degrees of freedom, n − 2. */
  dof: number
  slope: number
  intercept: number
  /** null when dof = 0 (two points fit exactly; no error estimate). */
  slopeSE: number | null
  interceptSE: number | null
  /** Two-sided interval for the slope at `level`, t-based with `dof` degrees of freedom. */
  slopeInterval: [number, number] | null
  /** Two-sided p-value for H0: slope = 0. */
  slopePValue: number | null
  rSquared: number
  /** Residual standard deviation (weighted scale when weights were given). */
  residualSD: number | null
  level: number
  tCritical: number | null
  /** Kept for bands: weighted mean of x, weighted Sxx, and the sum of weights. */
  xMean: number
  sxx: number
  weightSum: number
}

export interface LinearFitOptions {
  /** Relative weights (e.g. 1/SE²); the scale is estimated from the residuals. */
  weights?: readonly number[]
  level?: number
}

export function fitLinear(x: readonly number[], y: readonly number[], options: LinearFitOptions = {}): LinearFit {
  const n = x.length
  const level = options.level ?? 0.95
  if (y.length !== n) throw new Error(`fitLinear: x has ${n} values but y has ${y.length}`)
  if (n < 2) throw new Error(`fitLinear: need at least 2 points, got ${n}`)
  const weights = options.weights ?? x.map(() => 1)
  if (weights.length !== n) throw new Error(`fitLinear: ${weights.length} weights for ${n} points`)
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(y[i]!)) throw new Error(`fitLinear: point ${i} is not finite (x=${x[i]}, y=${y[i]})`)
    if (!(weights[i]! > 0) || !Number.isFinite(weights[i]!)) throw new Error(`fitLinear: weight ${i} must be positive and finite (got ${weights[i]})`)
  }
  let weightSum = 0
  let sx = 0
  let sy = 0
  for (let i = 0; i < n; i++) {
    weightSum += weights[i]!
    sx += weights[i]! * x[i]!
    sy += weights[i]! * y[i]!
  }
  const xMean = sx / weightSum
  const yMean = sy / weightSum
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - xMean
    const dy = y[i]! - yMean
    sxx += weights[i]! * dx * dx
    sxy += weights[i]! * dx * dy
    syy += weights[i]! * dy * dy
  }
  if (!(sxx > 0)) throw new Error('fitLinear: all x values are equal; the slope is undefined')
  const slope = sxy / sxx
  const intercept = yMean - slope * xMean
  let sse = 0
  for (let i = 0; i < n; i++) {
    const r = y[i]! - (intercept + slope * x[i]!)
    sse += weights[i]! * r * r
  }
  const rSquared = syy > 0 ? 1 - sse / syy : 1
  const dof = n - 2
  if (dof === 0) {
    return {
      n,
      dof,
      slope,
      intercept,
      slopeSE: null,
      interceptSE: null,
      slopeInterval: null,
      slopePValue: null,
      rSquared,
      residualSD: null,
      level,
      tCritical: null,
      xMean,
      sxx,
      weightSum,
    }
  }
  const variance = sse / dof
  const slopeSE = Math.sqrt(variance / sxx)
  const interceptSE = Math.sqrt(variance * (1 / weightSum + (xMean * xMean) / sxx))
  const tCritical = studentTCritical(level, dof)
  const slopePValue = slopeSE > 0 ? studentTTwoSidedPValue(slope / slopeSE, dof) : 0
  return {
    n,
    dof,
    slope,
    intercept,
    slopeSE,
    interceptSE,
    slopeInterval: [slope - tCritical * slopeSE, slope + tCritical * slopeSE],
    slopePValue,
    rSquared,
    residualSD: Math.sqrt(variance),
    level,
    tCritical,
    xMean,
    sxx,
    weightSum,
  }
}

export interface LinearPrediction {
  x: number
  y: number
  /** Interval for the fitted line at x (confidence band); null without residual dof. */
  meanInterval: [number, number] | null
  /** Interval for one new observation at x with unit weight (prediction band). */
  observationInterval: [number, number] | null
}

export function predictLinear(fit: LinearFit, x: number): LinearPrediction {
  const y = fit.intercept + fit.slope * x
  if (fit.residualSD === null || fit.tCritical === null) return { x, y, meanInterval: null, observationInterval: null }
  const dx = x - fit.xMean
  const meanVariance = fit.residualSD ** 2 * (1 / fit.weightSum + (dx * dx) / fit.sxx)
  const meanHalf = fit.tCritical * Math.sqrt(meanVariance)
  const observationHalf = fit.tCritical * Math.sqrt(meanVariance + fit.residualSD ** 2)
  return { x, y, meanInterval: [y - meanHalf, y + meanHalf], observationInterval: [y - observationHalf, y + observationHalf] }
}
