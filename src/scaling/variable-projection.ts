// The saturating law L(N) = E + A·N^−α fitted by variable projection: for a fixed exponent α the law is linear
// in (E, A), so the inner problem is a non-negative least-squares solve with no optimiser to stall; the outer
// problem is one-dimensional (a log-spaced grid over α, refined by golden-section search). The objective is
// the summed squared log-loss residual, Σ (ln L_i − ln(E + A·N_i^−α))², the noise model of the Huber fit
// without its robustness; the inner solve reaches it by Gauss–Newton steps, each a weighted NNLS in (E, A).
import { goldenSection } from './golden-section.ts'
import { SATURATING_BOUNDS, type SaturatingParameters } from './saturating-law.ts'

export interface ProjectionFit extends SaturatingParameters {
  /** Σ squared log residuals at the optimum. */
  rss: number
  /** ln L_i − ln L̂(N_i), in the order of the points. */
  residuals: number[]
  /** The optimum is inside the α grid (not at its edge) and the inner solves converged. */
  converged: boolean
  /** E = 0 at the optimum: the data prefer a pure power law (or E was fixed to 0). */
  irreducibleAtZero: boolean
}

export interface ProjectionOptions {
  /** Fit the pure power law L = A·N^−α (E fixed at 0): its α is then the ordinary log-log slope. */
  readonly fixIrreducibleAtZero?: boolean
  /** The α grid's ends and size (default 1e-3 … SATURATING_BOUNDS.alphaMax, 241 points, log-spaced). */
  readonly alphaMin?: number
  readonly alphaMax?: number
  readonly gridPoints?: number
  /** Golden-section steps inside the best grid point's neighbours (default 60: the bracket shrinks below 1e-12). */
  readonly refineSteps?: number
}

/** Enough for a bootstrap replicate: α within 1e-6 of the full fit's at half its cost. */
export const REPLICATE_PRECISION = { gridPoints: 31, refineSteps: 32 } as const

/** Minimises Σ w_i (z_i − E − A·x_i)² over E, A ≥ 0: the unconstrained solve, else the better one-variable edge. */
function weightedNnls2(x: readonly number[], z: readonly number[], w: readonly number[], fixE: boolean): { E: number; A: number } {
  let sw = 0
  let sx = 0
  let sz = 0
  let sxx = 0
  let sxz = 0
  for (let i = 0; i < x.length; i++) {
    const wi = w[i]!
    sw += wi
    sx += wi * x[i]!
    sz += wi * z[i]!
    sxx += wi * x[i]! * x[i]!
    sxz += wi * x[i]! * z[i]!
  }
  const onlyA = { E: 0, A: Math.max(0, sxz / sxx) }
  if (fixE) return onlyA
  const det = sw * sxx - sx * sx
  if (det > 1e-300 * sw * sxx) {
    const E = (sxx * sz - sx * sxz) / det
    const A = (sw * sxz - sx * sz) / det
    if (E >= 0 && A >= 0) return { E, A }
  }
  const onlyE = { E: Math.max(0, sz / sw), A: 0 }
  const cost = (p: { E: number; A: number }) => x.reduce((s, xi, i) => s + w[i]! * (z[i]! - p.E - p.A * xi) ** 2, 0)
  return cost(onlyA) <= cost(onlyE) ? onlyA : onlyE
}

/** The best (E, A) for one α, by Gauss–Newton on the log residuals (each step a weighted NNLS); and its RSS. */
export function projectExponent(
  params: readonly number[],
  loss: readonly number[],
  alpha: number,
  fixE = false,
): { E: number; A: number; rss: number; converged: boolean } {
  const x = params.map(N => N ** -alpha)
  const logL = loss.map(Math.log)
  // Start from the plain least squares on the loss scale, weighted for relative errors.
  let current = weightedNnls2(
    x,
    loss,
    loss.map(l => 1 / (l * l)),
    fixE,
  )
  let rss = Infinity
  let converged = false
  for (let step = 0; step < 100; step++) {
    const fitted = x.map(xi => current.E + current.A * xi)
    const nextRss = fitted.reduce((s, f, i) => s + (logL[i]! - Math.log(f)) ** 2, 0)
    if (Math.abs(rss - nextRss) <= 1e-15 * Math.max(1, nextRss) + 1e-300) {
      converged = true
      rss = Math.min(rss, nextRss)
      break
    }
    rss = nextRss
    // ln f ≈ ln f0 + (f − f0) / f0: the log residual is linear in (E, A) with weights 1 / f0².
    const z = fitted.map((f, i) => f * (1 + logL[i]! - Math.log(f)))
    current = weightedNnls2(
      x,
      z,
      fitted.map(f => 1 / (f * f)),
      fixE,
    )
  }
  return { ...current, rss, converged }
}

export function fitSaturatingProjection(params: readonly number[], loss: readonly number[], options: ProjectionOptions = {}): ProjectionFit {
  if (params.length !== loss.length) throw new Error(`fitSaturatingProjection: ${params.length} sizes for ${loss.length} losses`)
  const needed = options.fixIrreducibleAtZero ? 2 : 3
  if (params.length < needed) throw new Error(`fitSaturatingProjection: need at least ${needed} models, got ${params.length}`)
  for (const [i, l] of loss.entries()) if (!(l > 0)) throw new Error(`fitSaturatingProjection: loss ${i} must be positive, got ${l}`)
  const fixE = options.fixIrreducibleAtZero ?? false
  const low = Math.log(options.alphaMin ?? 1e-3)
  const high = Math.log(options.alphaMax ?? SATURATING_BOUNDS.alphaMax)
  const points = options.gridPoints ?? 241
  const grid = Array.from({ length: points }, (_, i) => Math.exp(low + ((high - low) * i) / (points - 1)))
  const profile = grid.map(alpha => projectExponent(params, loss, alpha, fixE).rss)
  const best = profile.indexOf(Math.min(...profile))
  // Golden-section search on ln α between the best grid point's neighbours.
  const a = Math.log(grid[Math.max(0, best - 1)]!)
  const b = Math.log(grid[Math.min(points - 1, best + 1)]!)
  const f = (u: number) => projectExponent(params, loss, Math.exp(u), fixE).rss
  const alpha = Math.exp(goldenSection(f, a, b, options.refineSteps ?? 60))
  const inner = projectExponent(params, loss, alpha, fixE)
  const residuals = loss.map((l, i) => Math.log(l) - Math.log(inner.E + inner.A * params[i]! ** -alpha))
  return {
    E: inner.E,
    A: inner.A,
    alpha,
    rss: inner.rss,
    residuals,
    converged: inner.converged && best > 0 && best < points - 1,
    irreducibleAtZero: inner.E === 0,
  }
}
