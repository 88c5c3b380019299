/** `count` sizes evenly spaced in log between low and high (inclusive): x positions for plotted curves. */
export function logSpaced(low: number, high: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.exp(Math.log(low) + ((Math.log(high) - Math.log(low)) * i) / (count - 1)))
}
