import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { serialBlocks, serialRatioStandardError } from './long-run-variance.ts'

describe('serialRatioStandardError: a ratio of sums over correlated consecutive windows', () => {
  // Windows of 64–192 tokens, NLL = tokens · θ + AR(1) noise (φ, innovation SD s). For a constant window length the
  // closed form is SE = s / ((1 − φ) · √(n) · tokens); with varying lengths the same with Σ tokens / n as the length.
  const series = (phi: number, n: number, seed: number) => {
    const random = seededRandom(seed)
    const tokens = Array.from({ length: n }, (_, i) => 64 + (i % 129))
    let e = 0
    const nll = tokens.map(t => {
      e = phi * e + 3 * random.normal()
      return t * 4.2 + e
    })
    return { nll, tokens, closed: 3 / ((1 - phi) * Math.sqrt(n) * (tokens.reduce((s, v) => s + v, 0) / n)) }
  }
  test.each([0, 0.3, 0.6])('φ = %s: within 6% of the closed form over 100,000 windows', phi => {
    const { nll, tokens, closed } = series(phi, 100_000, 11)
    expect(serialRatioStandardError(nll, tokens) / closed).toBeGreaterThan(0.94)
    expect(serialRatioStandardError(nll, tokens) / closed).toBeLessThan(1.06)
  })
  test('mismatched lengths are refused', () => {
    expect(() => serialRatioStandardError([1, 2], [1])).toThrow(/2 numerators but 1 denominators/)
  })
})

test('serialBlocks: consecutive blocks of ⌈n^⅓⌉ windows', () => {
  const blocks = serialBlocks(271)
  expect(blocks.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
  expect(new Set(blocks).size).toBe(Math.ceil(271 / 7))
  expect(serialBlocks(1)).toEqual([0])
})
