// The saturating law L(N) = E + A·N^−α, fitted the Chinchilla way: summed Huber loss (δ = 1e-3) on
// log-loss residuals, log L̂ = LSE(a − α·log N, e) with A = e^a and E = e^e so both stay positive,
// minimised from a grid of starts with the best kept, plus convergence and boundary flags.
import { nelderMead } from './nelder-mead.ts'

export interface SaturatingParameters {
  /** Irreducible loss (nats/token). */
  E: number
  A: number
  /** Loss exponent: L − E ∝ N^−α. */
  alpha: number
}

export function saturatingLoss(p: SaturatingParameters, params: number): number {
  return p.E + p.A * params ** -p.alpha
}

/** Huber loss divided by δ: r²/(2δ) inside ±δ, |r| − δ/2 outside. Same minimiser, better scaled. */
export function scaledHuber(r: number, delta: number): number {
  const a = Math.abs(r)
  return a <= delta ? (r * r) / (2 * delta) : a - delta / 2
}

function logSumExp(u: number, v: number): number {
  const m = Math.max(u, v)
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m))
}

/** Bounds of the search box; the flags below say when the optimum presses against them. */
export const SATURATING_BOUNDS = { alphaMax: 4, logEMin: -30 } as const

export interface HuberFitOptions {
  delta?: number
  /** Starting exponents (default 0.05 … 2). */
  alphaStarts?: readonly number[]
  /** Starting E as fractions of the smallest observed loss (default 0 … 0.9; 0 means E ≈ 0). */
  irreducibleFractionStarts?: readonly number[]
}

export interface SaturatingFit extends SaturatingParameters {
  /** Summed Huber loss on log residuals at the optimum (Chinchilla's scale, not divided by δ). */
  objective: number
  delta: number
  /** The polished simplex met its tolerances and a restart found no improvement. */
  converged: boolean
  starts: number
  /** How many coarse starts came within 1e-6 (relative) of the best objective: few means a rugged surface. */
  startsReachingBest: number
  onBoundary: {
    /** E fell to ~0 (below 1e-4 of the smallest loss): the data prefer a pure power law. */
    irreducibleAtZero: boolean
    /** α hit the box's upper limit. */
    alphaAtMax: boolean
    alphaAtZero: boolean
    /** The estimate lies outside the range spanned by the start grid (the grid may be too narrow). */
    outsideStartGrid: boolean
  }
}

const DEFAULT_ALPHA_STARTS = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2]
const DEFAULT_FRACTION_STARTS = [0, 0.25, 0.5, 0.75, 0.9]

/** The Huber objective over θ = [aCentred, α, e], with log N centred at `centre` for conditioning. */
export function huberObjective(logN: readonly number[], logL: readonly number[], centre: number, delta: number) {
  return (theta: number[]): number => {
    const [aCentred, alpha, e] = theta as [number, number, number]
    if (alpha < 0 || alpha > SATURATING_BOUNDS.alphaMax || e < SATURATING_BOUNDS.logEMin) return Infinity
    let total = 0
    for (let i = 0; i < logN.length; i++) {
      total += scaledHuber(logSumExp(aCentred - alpha * (logN[i]! - centre), e) - logL[i]!, delta)
    }
    return total
  }
}

function thetaToParameters(theta: readonly number[], centre: number): SaturatingParameters {
  const [aCentred, alpha, e] = theta as [number, number, number]
  return { E: Math.exp(e), A: Math.exp(aCentred + alpha * centre), alpha }
}

export function parametersToTheta(p: SaturatingParameters, centre: number): number[] {
  return [Math.log(p.A) - p.alpha * centre, p.alpha, Math.log(Math.max(p.E, Math.exp(SATURATING_BOUNDS.logEMin)))]
}

function checkData(params: readonly number[], loss: readonly number[], caller: string): void {
  if (params.length !== loss.length) throw new Error(`${caller}: ${params.length} sizes but ${loss.length} losses`)
  if (params.length < 3) throw new Error(`${caller}: the saturating law has 3 parameters and needs at least 3 points (got ${params.length})`)
  params.forEach((n, i) => {
    if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${caller}: parameter count ${i} must be positive (got ${n})`)
  })
  loss.forEach((l, i) => {
    if (!(l > 0) || !Number.isFinite(l)) throw new Error(`${caller}: loss ${i} must be positive (got ${l})`)
  })
}

export function centreOf(logN: readonly number[]): number {
  return logN.reduce((s, v) => s + v, 0) / logN.length
}

const STEP = [0.3, 0.05, 0.3]

/** Coarse runs screen the start grid (and refit bootstrap replicates); the best is then polished finely. */
const PRECISION = {
  coarse: { maxEvaluations: 1500, valueTolerance: 1e-9, pointTolerance: 1e-5, restarts: 0 },
  fine: { maxEvaluations: 4000, valueTolerance: 1e-13, pointTolerance: 1e-9, restarts: 3 },
} as const

/** One simplex search from one start. */
export function minimiseHuberFrom(
  logN: readonly number[],
  logL: readonly number[],
  start: readonly number[],
  delta: number,
  precision: keyof typeof PRECISION,
) {
  const centre = centreOf(logN)
  return nelderMead(huberObjective(logN, logL, centre, delta), start, { step: STEP, ...PRECISION[precision] })
}

export function fitSaturatingHuber(params: readonly number[], loss: readonly number[], options: HuberFitOptions = {}): SaturatingFit {
  checkData(params, loss, 'fitSaturatingHuber')
  const delta = options.delta ?? 1e-3
  if (!(delta > 0)) throw new Error(`fitSaturatingHuber: delta must be positive (got ${delta})`)
  const alphaStarts = options.alphaStarts ?? DEFAULT_ALPHA_STARTS
  const fractionStarts = options.irreducibleFractionStarts ?? DEFAULT_FRACTION_STARTS
  const logN = params.map(Math.log)
  const logL = loss.map(Math.log)
  const centre = centreOf(logN)
  const minLoss = Math.min(...loss)
  const runs: { theta: number[]; value: number; converged: boolean }[] = []
  for (const alpha of alphaStarts) {
    for (const fraction of fractionStarts) {
      // E small but positive for the "no floor" start; A from a least-squares line through log(L − E).
      const E = Math.max(fraction * minLoss, 1e-3 * minLoss)
      const aCentred = loss.reduce((s, l, i) => s + Math.log(l - E) + alpha * (logN[i]! - centre), 0) / loss.length
      const result = minimiseHuberFrom(logN, logL, [aCentred, alpha, Math.log(E)], delta, 'coarse')
      runs.push({ theta: result.point, value: result.value, converged: result.converged })
    }
  }
  runs.sort((u, w) => u.value - w.value)
  const polished = minimiseHuberFrom(logN, logL, runs[0]!.theta, delta, 'fine')
  const best =
    polished.value <= runs[0]!.value ? { theta: polished.point, value: polished.value, converged: polished.converged } : { ...runs[0]!, converged: false }
  const reaching = runs.filter(r => r.value <= best.value * (1 + 1e-6) + 1e-12).length
  const p = thetaToParameters(best.theta, centre)
  return {
    ...p,
    objective: best.value * delta,
    delta,
    converged: best.converged,
    starts: runs.length,
    startsReachingBest: reaching,
    onBoundary: {
      irreducibleAtZero: p.E < 1e-4 * minLoss,
      alphaAtMax: p.alpha > SATURATING_BOUNDS.alphaMax * 0.999,
      alphaAtZero: p.alpha < 1e-6,
      outsideStartGrid: p.alpha < Math.min(...alphaStarts) || p.alpha > Math.max(...alphaStarts) || p.E > Math.max(...fractionStarts) * minLoss,
    },
  }
}

/** Refit from a given estimate (no grid, coarse tolerances: α to ~1e-5): for bootstrap replicates. */
export function refitSaturatingHuber(
  params: readonly number[],
  loss: readonly number[],
  from: SaturatingParameters,
  delta: number,
): SaturatingParameters & { converged: boolean } {
  const logN = params.map(Math.log)
  const centre = centreOf(logN)
  const result = minimiseHuberFrom(logN, loss.map(Math.log), parametersToTheta(from, centre), delta, 'coarse')
  return { ...thetaToParameters(result.point, centre), converged: result.converged }
}
