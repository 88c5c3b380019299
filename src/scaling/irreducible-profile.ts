// Profile over the irreducible loss E. For each fixed E the law L = E + A·N^−α is fitted by least
// squares on log loss (ml-levenberg-marquardt, 2 parameters), giving α(E) and the fit quality SSE(E).
// The same machinery gives the least-squares saturating fit (the minimum of the profile), which AICc
// needs because it is the Gaussian maximum-likelihood fit.
import { levenbergMarquardt } from 'ml-levenberg-marquardt'
import { fitLinear } from './linear-fit.ts'
import { studentTCritical } from './student-t.ts'
import { goldenSection } from './golden-section.ts'

export interface FixedIrreducibleFit {
  E: number
  A: number
  alpha: number
  /** Residual sum of squares of log loss. */
  sse: number
  /** The gradient of the SSE vanished at the returned point (relative test). */
  converged: boolean
  /** The quick version: OLS of log(L − E) on log N (the audit's §1.4.3 numbers). */
  alphaLogLinear: number
  rSquaredLogLinear: number
}

/** Least-squares fit of log L = log(E + e^a·N^−α) with E held fixed (E must be below every loss). */
export function fitFixedIrreducibleLoss(params: readonly number[], loss: readonly number[], E: number): FixedIrreducibleFit {
  const minLoss = Math.min(...loss)
  if (!(E >= 0 && E < minLoss)) throw new Error(`fitFixedIrreducibleLoss: E must be in [0, ${minLoss}) (the smallest loss); got ${E}`)
  const logN = params.map(Math.log)
  const centre = logN.reduce((s, v) => s + v, 0) / logN.length
  const x = logN.map(v => v - centre)
  const logL = loss.map(Math.log)
  const start = fitLinear(
    x,
    loss.map(l => Math.log(l - E)),
  )
  const model =
    ([a, alpha]: number[]) =>
    (xi: number) =>
      Math.log(E + Math.exp(a! - alpha! * xi))
  const jacobian =
    ([a, alpha]: number[]) =>
    (xi: number) => {
      const power = Math.exp(a! - alpha! * xi)
      const share = power / (E + power)
      return [share, -xi * share]
    }
  const sseAt = (theta: number[]) => x.reduce((s, xi, i) => s + (logL[i]! - model(theta)(xi)) ** 2, 0)
  let theta = [start.intercept, -start.slope]
  // At E = 0 the model is linear in (a, α): the OLS start is already the exact optimum.
  if (E > 0) {
    const result = levenbergMarquardt({ x, y: logL }, model, {
      initialValues: theta,
      jacobianFunction: jacobian,
      damping: 1e-3,
      maxIterations: 40,
      errorTolerance: 0,
      improvementThreshold: 1e-6,
    })
    if (sseAt(result.parameterValues) <= sseAt(theta)) theta = result.parameterValues
  }
  const sse = sseAt(theta)
  // Gradient of the SSE, scaled by the residual size, as the convergence test.
  let g0 = 0
  let g1 = 0
  x.forEach((xi, i) => {
    const r = logL[i]! - model(theta)(xi)
    const [d0, d1] = jacobian(theta)(xi) as [number, number]
    g0 += r * d0
    g1 += r * d1
  })
  const scale = Math.sqrt(Math.max(sse, 1e-30)) * Math.sqrt(x.reduce((s, xi) => s + 1 + xi * xi, 0))
  return {
    E,
    A: Math.exp(theta[0]! + theta[1]! * centre),
    alpha: theta[1]!,
    sse,
    converged: Math.hypot(g0, g1) <= 1e-6 * scale,
    alphaLogLinear: -start.slope,
    rSquaredLogLinear: start.rSquared,
  }
}

export interface ProfilePoint extends FixedIrreducibleFit {
  /** (SSE(E) − SSE_min) / (SSE_min / (n − 3)); compared with t²(n − 3) = F(1, n − 3). */
  fStatistic: number | null
  inConfidenceSet: boolean | null
}

export interface IrreducibleProfile {
  level: number
  points: ProfilePoint[]
  /** The least-squares saturating fit (minimum of the profile, refined between grid points). */
  best: FixedIrreducibleFit
  /** Residual degrees of freedom of the 3-parameter law, n − 3. */
  dof: number
  /** F(1, n−3) critical value at `level`; null when dof = 0. */
  threshold: number | null
  /** Range of E inside the profile confidence set (ends refined between grid points by bisection). */
  confidenceSet: { lower: number; upper: number; touchesZero: boolean; touchesLossFloor: boolean } | null
  /** α over the confidence set (grid points inside it, its two ends and the optimum). */
  alphaRange: [number, number] | null
  identifiable: boolean
  criterion: string
  statement: string
}

export const IDENTIFIABILITY_CRITERION =
  'E is called identifiable when its profile confidence set is bounded away from both ends of [0, min L): ' +
  'an E value is in the set when (SSE(E) − SSE_min) / (SSE_min / (n − 3)) ≤ F(1, n − 3) at the chosen level ' +
  '(SSE of log loss, least squares with α and A refitted at each E). If the set reaches E = 0 or the grid point ' +
  'nearest the smallest observed loss, or if n ≤ 3 (no residual degrees of freedom), the profile is flat and E is ' +
  'not identifiable from these points.'

export function defaultProfileGrid(loss: readonly number[], size = 60): number[] {
  const minLoss = Math.min(...loss)
  // Uniform in E up to 99.9% of the smallest loss (E = min L itself makes log(L − E) infinite).
  return Array.from({ length: size }, (_, j) => (0.999 * minLoss * j) / (size - 1))
}

function formatRange(values: [number, number], digits: number): string {
  return `${values[0].toFixed(digits)}–${values[1].toFixed(digits)}`
}

export function profileIrreducibleLoss(
  params: readonly number[],
  loss: readonly number[],
  options: { grid?: readonly number[]; level?: number } = {},
): IrreducibleProfile {
  const level = options.level ?? 0.95
  const minLoss = Math.min(...loss)
  const grid = [...new Set([...defaultProfileGrid(loss), ...(options.grid ?? [])])].sort((a, b) => a - b)
  for (const E of grid) if (!(E >= 0 && E < minLoss)) throw new Error(`profileIrreducibleLoss: grid value E=${E} must be in [0, ${minLoss})`)
  const fits = grid.map(E => fitFixedIrreducibleLoss(params, loss, E))
  let bestIndex = 0
  fits.forEach((f, i) => {
    if (f.sse < fits[bestIndex]!.sse) bestIndex = i
  })
  const low = grid[Math.max(0, bestIndex - 1)]!
  const high = grid[Math.min(grid.length - 1, bestIndex + 1)]!
  const refinedE = goldenSection(E => fitFixedIrreducibleLoss(params, loss, E).sse, low, high)
  const refined = fitFixedIrreducibleLoss(params, loss, refinedE)
  const best = refined.sse < fits[bestIndex]!.sse ? refined : fits[bestIndex]!
  const dof = params.length - 3
  const criterion = IDENTIFIABILITY_CRITERION
  if (dof < 1) {
    const alphas = fits.map(f => f.alpha)
    return {
      level,
      dof,
      threshold: null,
      best,
      criterion,
      confidenceSet: null,
      alphaRange: null,
      identifiable: false,
      points: fits.map(f => ({ ...f, fStatistic: null, inConfidenceSet: null })),
      statement:
        `E is not identifiable from ${params.length} points: the three-parameter law has no residual degrees of freedom, ` +
        `and α runs over ${formatRange([Math.min(...alphas), Math.max(...alphas)], 3)} as E goes from 0 to ${grid[grid.length - 1]!.toFixed(2)}.`,
    }
  }
  const threshold = studentTCritical(level, dof) ** 2
  // Guard against a zero minimum on exact data (the ratio would be undefined).
  const scale = Math.max(best.sse, 1e-300) / dof
  const points = fits.map(f => {
    const fStatistic = Math.max(0, f.sse - best.sse) / scale
    return { ...f, fStatistic, inConfidenceSet: fStatistic <= threshold }
  })
  const inside = points.filter(p => p.inConfidenceSet)
  const lastGrid = grid[grid.length - 1]!
  // Sharpen the set's ends between grid points by bisection on F(E) = threshold.
  const fAt = (E: number) => Math.max(0, fitFixedIrreducibleLoss(params, loss, E).sse - best.sse) / scale
  const crossing = (outside: number, insideE: number) => {
    let [a, b] = [outside, insideE]
    for (let i = 0; i < 30; i++) {
      const mid = 0.5 * (a + b)
      if (fAt(mid) <= threshold) b = mid
      else a = mid
    }
    return b
  }
  const firstIn = points.findIndex(p => p.inConfidenceSet)
  const lastIn = points.length - 1 - [...points].reverse().findIndex(p => p.inConfidenceSet)
  const lower = firstIn > 0 ? crossing(points[firstIn - 1]!.E, points[firstIn]!.E) : firstIn === 0 ? 0 : best.E
  const upper = firstIn < 0 ? best.E : lastIn < points.length - 1 ? crossing(points[lastIn + 1]!.E, points[lastIn]!.E) : lastGrid
  const insideAlpha = [
    ...inside.map(p => p.alpha),
    best.alpha,
    fitFixedIrreducibleLoss(params, loss, lower).alpha,
    fitFixedIrreducibleLoss(params, loss, Math.min(upper, lastGrid)).alpha,
  ]
  const confidenceSet = {
    lower: Math.min(lower, best.E),
    upper: Math.max(upper, best.E),
    touchesZero: points[0]!.inConfidenceSet === true,
    touchesLossFloor: points[points.length - 1]!.inConfidenceSet === true,
  }
  const alphaRange: [number, number] = [Math.min(...insideAlpha), Math.max(...insideAlpha)]
  const identifiable = !confidenceSet.touchesZero && !confidenceSet.touchesLossFloor
  const pct = Math.round(level * 100)
  const statement = identifiable
    ? `E is identifiable from these ${params.length} points: its ${pct}% profile set is E ∈ ${formatRange([confidenceSet.lower, confidenceSet.upper], 3)} nats, ` +
      `with α ∈ ${formatRange(alphaRange, 3)} (least-squares optimum E = ${best.E.toFixed(3)}, α = ${best.alpha.toFixed(3)}).`
    : `E is not identifiable from these ${params.length} points: the ${pct}% profile set for E reaches ` +
      `${confidenceSet.touchesZero && confidenceSet.touchesLossFloor ? `both E = 0 and E = ${lastGrid.toFixed(2)} (just below the smallest loss)` : confidenceSet.touchesZero ? 'E = 0 (a pure power law fits as well)' : `E = ${lastGrid.toFixed(2)} (just below the smallest loss)`}, ` +
      `and over that set α ranges over ${formatRange(alphaRange, 3)}. Any single α for the saturating law depends on an assumed E.`
  return { level, points, best, dof, threshold, confidenceSet, alphaRange, identifiable, criterion, statement }
}
