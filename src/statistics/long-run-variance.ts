/**
 * The long-run variance of a stationary series, σ²_LR = Σ_k γ(k) (n · Var(mean) as n grows), for intervals over
 * dependent observations such as the consecutive windows of one text. AR(1) prewhitening (Andrews & Monahan
 * 1992) takes out the short-range dependence a truncated lag window would miss; the residuals' long-run variance
 * is Politis' flat-top lag-window estimate, with the lag cut where the autocorrelations stop being significant
 * (Politis & White 2004, as the `arch` package's optimal_block_length chooses it); then recoloured by 1 / (1 − φ̂)².
 */

export interface LongRunVariance {
  /** σ²_LR of the series: n · Var(mean) for large n. */
  readonly variance: number
  /** The lag-1 autocorrelation the prewhitening removed (clipped to ±0.97). */
  readonly lag1: number
}

const MAX_LAG1 = 0.97

export function longRunVariance(series: readonly number[]): LongRunVariance {
  const n = series.length
  if (n < 9) throw new Error(`long-run variance: need at least 9 values in the series, got ${n}`)
  if (!series.every(Number.isFinite)) throw new Error('long-run variance: the series has a non-finite value')
  const centre = series.reduce((sum, v) => sum + v, 0) / n
  const e = series.map(v => v - centre)
  let cross = 0
  let before = 0
  for (let t = 1; t < n; t++) {
    cross += (e[t] as number) * (e[t - 1] as number)
    before += (e[t - 1] as number) ** 2
  }
  if (before === 0) return { variance: 0, lag1: 0 }
  const lag1 = Math.max(-MAX_LAG1, Math.min(MAX_LAG1, cross / before))
  const residuals = e.slice(1).map((v, t) => v - lag1 * (e[t] as number))
  return { variance: flatTopLongRunVariance(residuals) / (1 - lag1) ** 2, lag1 }
}

/**
 * Σ_{|k| ≤ m} λ(k / m) γ̂(k) with the flat-top window λ (1 up to m/2, then linear to 0 at m); m is twice the first lag
 * after which K_N = max(5, ⌊log10 n⌋) autocorrelations in a row are within ±2 √(log10 n / n). Falls back to γ̂(0)
 * in the rare case the flat-top sum is not positive (the window is not positive definite).
 */
export function flatTopLongRunVariance(series: readonly number[]): number {
  const n = series.length
  const centre = series.reduce((sum, v) => sum + v, 0) / n
  const e = series.map(v => v - centre)
  const dot = (from: number, to: number, lag: number) => {
    let sum = 0
    for (let k = from; k < to; k++) sum += (e[k] as number) * (e[k - lag] as number)
    return sum
  }
  const kn = Math.max(5, Math.floor(Math.log10(n)))
  const maxLag = Math.min(Math.ceil(Math.sqrt(n)) + kn, n - 2)
  const critical = 2 * Math.sqrt(Math.log10(n) / n)
  const autocovariance: number[] = []
  const absCorrelation: number[] = []
  let firstQuiet: number | undefined
  for (let i = 0; i <= maxLag; i++) {
    const cross = dot(i, n, i)
    autocovariance.push(cross / n)
    absCorrelation.push(Math.abs(cross) / Math.sqrt(dot(i + 1, n, 0) * dot(0, n - i - 1, 0)))
    if (i >= kn && firstQuiet === undefined && absCorrelation.slice(i - kn, i).every(r => r < critical)) firstQuiet = i - kn
  }
  const m = Math.min(firstQuiet === undefined ? maxLag : 2 * Math.max(firstQuiet, 1), maxLag)
  let variance = autocovariance[0] as number
  for (let k = 1; k <= m; k++) variance += 2 * (k / m <= 0.5 ? 1 : 2 * (1 - k / m)) * (autocovariance[k] as number)
  return variance > 0 ? variance : (autocovariance[0] as number)
}

/**
 * Standard error of θ = Σ numerator / Σ denominator over a series of consecutive windows (delta method): each
 * window's contribution u = numerator − θ · denominator, SE = √(n · σ²_LR(u)) / Σ denominator, so correlated
 * neighbours widen it as the gate's paired window ratio does.
 */
export function serialRatioStandardError(numerator: readonly number[], denominator: readonly number[]): number {
  if (numerator.length !== denominator.length)
    throw new Error(`serialRatioStandardError: ${numerator.length} numerators but ${denominator.length} denominators`)
  const total = denominator.reduce((sum, v) => sum + v, 0)
  const theta = numerator.reduce((sum, v) => sum + v, 0) / total
  const { variance } = longRunVariance(numerator.map((v, i) => v - theta * (denominator[i] as number)))
  return Math.sqrt(numerator.length * variance) / total
}

/** Consecutive blocks of about n^⅓ windows as clusters, so a bootstrap draws neighbours together (Carlstein 1986). */
export function serialBlocks(n: number): number[] {
  const length = Math.max(1, Math.ceil(Math.cbrt(n)))
  return Array.from({ length: n }, (_, i) => Math.floor(i / length))
}
