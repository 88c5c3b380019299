// Does a fitted law describe its points? With per-point standard errors: χ² = Σ (residual / SE)² on n − p dof
// and its upper-tail p-value (a small p means the scatter about the law exceeds the points' own noise).
// Without them: the residuals alone, scaled by their RMS, and no test (nothing independent to test against).
import { chiSquaredSurvival } from '../statistics/chi-squared.ts'

export type GoodnessOfFit =
  | { available: true; chiSquared: number; dof: number; pValue: number; describesPoints: boolean; standardised: number[] }
  | { available: false; reason: string; residualRms: number }

/** The p-value below which a fit is flagged as not describing its points. */
export const GOODNESS_OF_FIT_ALPHA = 0.05

export function goodnessOfFit(residuals: readonly number[], standardErrors: readonly (number | null)[] | null, parameters: number): GoodnessOfFit {
  const residualRms = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length)
  const dof = residuals.length - parameters
  if (standardErrors === null || standardErrors.some(se => se === null || !(se > 0)))
    return { available: false, reason: 'no per-model standard error of every point', residualRms }
  if (dof < 1) return { available: false, reason: `${residuals.length} points leave no degrees of freedom for ${parameters} parameters`, residualRms }
  const standardised = residuals.map((r, i) => r / standardErrors[i]!)
  const chiSquared = standardised.reduce((s, z) => s + z * z, 0)
  const pValue = chiSquaredSurvival(chiSquared, dof)
  return { available: true, chiSquared, dof, pValue, describesPoints: pValue >= GOODNESS_OF_FIT_ALPHA, standardised }
}
