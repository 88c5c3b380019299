// Student-t distribution: CDF, two-sided p-value and quantile.
// simple-statistics (the installed statistics library) has no t or incomplete-beta function, so the
// regularised incomplete beta is written here (Lentz's continued fraction) on top of its gammaln.
import { gammaln } from 'simple-statistics'

const TINY = 1e-300
const EPS = 1e-15

/** Continued fraction for I_x(a, b), valid (fast-converging) for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let result = d
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m
    // even step
    let coefficient = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + coefficient * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + coefficient / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    result *= d * c
    // odd step
    coefficient = -((a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + coefficient * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + coefficient / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    result *= delta
    if (Math.abs(delta - 1) < EPS) return result
  }
  throw new Error(`regularizedIncompleteBeta: continued fraction did not converge (x=${x}, a=${a}, b=${b})`)
}

/** Regularised incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1, a, b > 0. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new Error(`regularizedIncompleteBeta: a and b must be > 0 (got a=${a}, b=${b})`)
  if (!(x >= 0 && x <= 1)) throw new Error(`regularizedIncompleteBeta: x must be in [0, 1] (got ${x})`)
  if (x === 0 || x === 1) return x
  const logPrefactor = gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log1p(-x)
  const prefactor = Math.exp(logPrefactor)
  // Use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the continued fraction converges faster.
  if (x < (a + 1) / (a + b + 2)) return (prefactor * betaContinuedFraction(x, a, b)) / a
  return 1 - (prefactor * betaContinuedFraction(1 - x, b, a)) / b
}

function checkDof(dof: number, caller: string): void {
  if (!(dof > 0) || !Number.isFinite(dof)) throw new Error(`${caller}: degrees of freedom must be a positive finite number (got ${dof})`)
}

/** P(T ≤ t) for Student's t with `dof` degrees of freedom. */
export function studentTCdf(t: number, dof: number): number {
  checkDof(dof, 'studentTCdf')
  if (Number.isNaN(t)) throw new Error('studentTCdf: t is NaN')
  if (t === Infinity) return 1
  if (t === -Infinity) return 0
  const tail = 0.5 * regularizedIncompleteBeta(dof / (dof + t * t), dof / 2, 0.5)
  return t > 0 ? 1 - tail : tail
}

/** Two-sided p-value P(|T| ≥ |t|). Computed from the tail directly so tiny p-values keep precision. */
export function studentTTwoSidedPValue(t: number, dof: number): number {
  checkDof(dof, 'studentTTwoSidedPValue')
  if (!Number.isFinite(t)) return Number.isNaN(t) ? Number.NaN : 0
  return regularizedIncompleteBeta(dof / (dof + t * t), dof / 2, 0.5)
}

/** The p-quantile of Student's t (inverse CDF), by bracketing and bisection to machine precision. */
export function studentTQuantile(p: number, dof: number): number {
  checkDof(dof, 'studentTQuantile')
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1) (got ${p})`)
  if (p === 0.5) return 0
  if (p < 0.5) return -studentTQuantile(1 - p, dof)
  let low = 0
  let high = 1
  while (studentTCdf(high, dof) < p) {
    low = high
    high *= 2
    if (high > 1e300) throw new Error(`studentTQuantile: no bracket for p=${p}, dof=${dof}`)
  }
  for (let i = 0; i < 2000 && high - low > 1e-15 * high; i++) {
    const mid = 0.5 * (low + high)
    if (studentTCdf(mid, dof) < p) low = mid
    else high = mid
  }
  return 0.5 * (low + high)
}

/** Two-sided critical value t* with P(|T| ≤ t*) = level. */
export function studentTCritical(level: number, dof: number): number {
  if (!(level > 0 && level < 1)) throw new Error(`studentTCritical: level must be in (0, 1) (got ${level})`)
  return studentTQuantile(0.5 + level / 2, dof)
}
