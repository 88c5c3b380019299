/**
 * The χ² distribution's upper tail, P(X ≥ x) for X ~ χ²(dof): the regularized upper incomplete gamma Q(dof/2, x/2),
 * by its series below a + 1 and its continued fraction (modified Lentz) above (Numerical Recipes §6.2).
 * simple-statistics ships only a table of critical values, not the tail probability a goodness-of-fit test reports.
 */
import { gammaln } from 'simple-statistics'

const EPSILON = 1e-15
const MAX_TERMS = 500

function lowerSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break
  }
  return sum * Math.exp(-x + a * Math.log(x) - gammaln(a))
}

function upperFraction(a: number, x: number): number {
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const step = d * c
    h *= step
    if (Math.abs(step - 1) < EPSILON) break
  }
  return Math.exp(-x + a * Math.log(x) - gammaln(a)) * h
}

export function chiSquaredSurvival(x: number, dof: number): number {
  if (!(dof > 0)) throw new Error(`chiSquaredSurvival: dof must be positive (got ${dof})`)
  if (!(x >= 0)) throw new Error(`chiSquaredSurvival: x must be ≥ 0 (got ${x})`)
  if (x === 0) return 1
  const a = dof / 2
  const half = x / 2
  return half < a + 1 ? 1 - lowerSeries(a, half) : upperFraction(a, half)
}
