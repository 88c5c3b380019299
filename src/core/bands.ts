/** Band arithmetic: pure, shared by the matchers, the case body and the reports. */
import type { Band } from './schema.ts'

export type { Band }

/** Inclusive lower and upper bounds of a band (±Infinity when open). */
export function bandBounds(band: Band): { min: number; max: number } {
  if ('near' in band) {
    const spread = Math.abs(band.near) * band.relative
    return { min: band.near - spread, max: band.near + spread }
  }
  return { min: band.min ?? -Infinity, max: band.max ?? Infinity }
}

export function isWithinBand(value: number, band: Band): boolean {
  if (!Number.isFinite(value)) return false
  const { min, max } = bandBounds(band)
  return value >= min && value <= max
}

export function formatBand(band: Band): string {
  if ('near' in band) return `${band.near} ± ${band.relative * 100}%`
  const { min, max } = bandBounds(band)
  if (min === -Infinity) return `≤ ${max}`
  if (max === Infinity) return `≥ ${min}`
  return `[${min}, ${max}]`
}
