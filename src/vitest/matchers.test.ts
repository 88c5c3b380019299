// No import of ./matchers.ts here: the matchers come from the setup file that lmscale() wires into this
// repository's vitest.config.ts, so these tests also prove that wiring.
import { describe, expect, test } from 'vitest'

describe('band matchers', () => {
  test('toBeWithinBand accepts values inside, rejects outside, NaN and non-numbers', () => {
    expect(0.5).toBeWithinBand({ min: 0.25, max: 0.75 })
    expect(12).toBeWithinBand({ near: 11.96, relative: 0.05 })
    expect(0.8).not.toBeWithinBand({ min: 0.25, max: 0.75 })
    expect(Number.NaN).not.toBeWithinBand({ max: 1 })
    expect('0.5').not.toBeWithinBand({ max: 1 })
  })

  test('a failure message names the value and the band', () => {
    expect(() => expect(0.4).toBeWithinBand({ min: 0.9 })).toThrow(/expected .*0\.4.* to be within band ≥ 0\.9/)
    expect(() => expect(0.5).not.toBeWithinBand({ min: 0, max: 1 })).toThrow(/not to be within band \[0, 1\]/)
  })

  test('toBeWithinRelative checks |received − expected| ≤ relative·|expected|', () => {
    expect(10.9).toBeWithinRelative(10, 0.1)
    expect(11.1).not.toBeWithinRelative(10, 0.1)
    expect(() => expect(11.1).toBeWithinRelative(10, 0.1)).toThrow(/within 10% of 10/)
  })

  test('both work as asymmetric matchers', () => {
    expect({ acc: 0.61, ppl: 30.2 }).toEqual({ acc: expect.toBeWithinBand({ min: 0.6 }), ppl: expect.toBeWithinRelative(30, 0.01) })
  })
})
