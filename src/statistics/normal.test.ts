import { describe, expect, test } from 'vitest'
import { normalQuantile } from './normal.ts'

describe('normalQuantile', () => {
  test('matches tabulated quantiles (scipy.stats.norm.ppf) to 1e-8', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8)
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 8)
    expect(normalQuantile(0.5)).toBe(0)
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8)
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874040841, 8)
  })

  test('p outside (0, 1) is an error', () => {
    expect(() => normalQuantile(1)).toThrow('p must be in (0, 1), got 1')
  })
})
