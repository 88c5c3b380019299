/**
 * The median of a sample with a distribution-free interval from order statistics (the sign test's
 * Binomial(n, ½)): it assumes nothing about the shape of the noise, and a burst of load that slows a few
 * samples moves neither the centre nor the interval by more than one rank.
 */
export interface MedianInterval {
  readonly median: number
  readonly low: number
  readonly high: number
}

/** Fewest values whose extremes already cover the median with 95%: 2 × ½⁶ = 3.1% misses. */
export const MIN_MEDIAN_VALUES = 6

export function medianInterval(values: readonly number[], level = 0.95): MedianInterval {
  const n = values.length
  const alpha = (1 - level) / 2
  if (n < MIN_MEDIAN_VALUES || 2 * 0.5 ** n > 1 - level) {
    throw new Error(`medianInterval: ${n} values cannot give a ${level * 100}% interval for the median (need at least ${MIN_MEDIAN_VALUES})`)
  }
  const sorted = [...values].sort((a, b) => a - b)
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  // Drop the j lowest and j highest values, j as large as P(X < j) ≤ α/2 allows, X ~ Binomial(n, ½).
  let logTerm = -n * Math.LN2 // log P(X = 0)
  let below = Math.exp(logTerm)
  let j = 1
  for (;;) {
    logTerm += Math.log((n - j + 1) / j) // P(X = j) from P(X = j − 1)
    const next = below + Math.exp(logTerm)
    if (next > alpha) break
    below = next
    j++
  }
  return { median, low: sorted[j - 1]!, high: sorted[n - j]! }
}
