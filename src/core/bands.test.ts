import { describe, expect, test } from 'vitest'
import { bandBounds, formatBand, isWithinBand } from './bands.ts'

describe('bands', () => {
  test('bounds are inclusive', () => {
    expect(isWithinBand(0.5, { min: 0.5, max: 0.7 })).toBe(true)
    expect(isWithinBand(0.7, { min: 0.5, max: 0.7 })).toBe(true)
    expect(isWithinBand(0.7000001, { min: 0.5, max: 0.7 })).toBe(false)
    expect(isWithinBand(0.4999999, { min: 0.5 })).toBe(false)
    expect(isWithinBand(1e9, { min: 0.5 })).toBe(true)
    expect(isWithinBand(-1e9, { max: 2 })).toBe(true)
  })

  test('a relative band spans near·(1 ± relative)', () => {
    // 11.96 ± 5% = [11.362, 12.558]
    const { min, max } = bandBounds({ near: 11.96, relative: 0.05 })
    expect(min).toBeCloseTo(11.362, 12)
    expect(max).toBeCloseTo(12.558, 12)
    expect(isWithinBand(12.55, { near: 11.96, relative: 0.05 })).toBe(true)
    expect(isWithinBand(12.56, { near: 11.96, relative: 0.05 })).toBe(false)
  })

  test('NaN and infinities are never within a band', () => {
    expect(isWithinBand(Number.NaN, { min: -Infinity, max: Infinity })).toBe(false)
    expect(isWithinBand(Infinity, { min: 0 })).toBe(false)
  })

  test('formatting names the bounds', () => {
    expect(formatBand({ min: 0.25, max: 0.5 })).toBe('[0.25, 0.5]')
    expect(formatBand({ min: 0.25 })).toBe('≥ 0.25')
    expect(formatBand({ max: 30 })).toBe('≤ 30')
    expect(formatBand({ near: 12, relative: 0.1 })).toBe('12 ± 10%')
  })
})
