// The Chinchilla-style Huber fit beside the primary variable-projection fit: the same law, a different loss on the
// log residuals. With δ far below the residuals Huber weighs them like absolute deviations, least squares like
// squares, so the two can differ by more than either's error without either being wrong: the statement says which.
import type { SaturatingFit, SaturatingParameters } from './saturating-law.ts'

export interface HuberCrossCheck extends SaturatingParameters {
  delta: number
  converged: boolean
  starts: number
  startsReachingBest: number
  onBoundary: SaturatingFit['onBoundary']
  /** α_Huber / α_projection − 1. */
  alphaRelativeDifference: number
  /** E_Huber − E_projection, nats. */
  irreducibleDifference: number
  /** α within 5% and E within 5% of the smallest loss. */
  agrees: boolean
  statement: string
}

export const CROSS_CHECK_TOLERANCE = 0.05

export function huberCrossCheck(
  primary: SaturatingParameters & { residuals: readonly number[] },
  huber: SaturatingFit,
  loss: readonly number[],
): HuberCrossCheck {
  const alphaRelativeDifference = huber.alpha / primary.alpha - 1
  const irreducibleDifference = huber.E - primary.E
  const agrees = Math.abs(alphaRelativeDifference) <= CROSS_CHECK_TOLERANCE && Math.abs(irreducibleDifference) <= CROSS_CHECK_TOLERANCE * Math.min(...loss)
  const rms = Math.sqrt(primary.residuals.reduce((s, r) => s + r * r, 0) / primary.residuals.length)
  const figures = `Huber (δ = ${huber.delta}) gives α ${huber.alpha.toFixed(4)}, E ${huber.E.toFixed(3)} against ${primary.alpha.toFixed(4)}, ${primary.E.toFixed(3)} (α ${alphaRelativeDifference >= 0 ? '+' : '−'}${Math.abs(alphaRelativeDifference * 100).toFixed(1)}%)`
  const why =
    rms > 10 * huber.delta
      ? `: the residuals (RMS ${rms.toFixed(4)} in ln L) are far beyond δ, where Huber weighs them like absolute deviations and least squares like squares`
      : huber.converged
        ? ''
        : ': the Huber simplex did not converge'
  const statement = agrees
    ? `${figures}: they agree within ${CROSS_CHECK_TOLERANCE * 100}%.`
    : `${figures}: they disagree by more than ${CROSS_CHECK_TOLERANCE * 100}%${why}.`
  return {
    E: huber.E,
    A: huber.A,
    alpha: huber.alpha,
    delta: huber.delta,
    converged: huber.converged,
    starts: huber.starts,
    startsReachingBest: huber.startsReachingBest,
    onBoundary: huber.onBoundary,
    alphaRelativeDifference,
    irreducibleDifference,
    agrees,
    statement,
  }
}
