import { describe, expect, test } from 'vitest'
import { forwardRollout, leaveOneOut } from './extrapolation.ts'

const sizes = [1e8, 3e8, 1e9, 3e9, 1e10]

describe('leave-one-out and forward rollout', () => {
  test('exact data from each form give zero error for that form', () => {
    const power = sizes.map(N => 19.4 * N ** -0.11)
    const linear = sizes.map(N => 7 - 0.25 * Math.log(N))
    const saturating = sizes.map(N => 1.7 + 400 * N ** -0.34)
    for (const r of leaveOneOut('powerLaw', sizes, power)!) expect(Math.abs(r.lossRelativeError)).toBeLessThan(1e-12)
    for (const r of leaveOneOut('logLinear', sizes, linear)!) expect(Math.abs(r.perplexityRelativeError)).toBeLessThan(1e-12)
    for (const r of forwardRollout('saturating', sizes, saturating)) expect(Math.abs(r.lossRelativeError)).toBeLessThan(1e-4)
  })
  test('a hand-checkable case: a straight line through two points predicts the third', () => {
    // Fit L = c + s ln N on (1e8, 3), (1e9, 2): s = −1/ln 10; predicted at 1e10 is 1; actual 1.25.
    const rollout = forwardRollout('logLinear', [1e8, 1e9, 1e10], [3, 2, 1.25])
    expect(rollout).toHaveLength(1)
    expect(rollout[0]!.predictedLoss).toBeCloseTo(1, 12)
    expect(rollout[0]!.lossRelativeError).toBeCloseTo(1 / 1.25 - 1, 12)
    expect(rollout[0]!.perplexityRelativeError).toBeCloseTo(Math.exp(1 - 1.25) - 1, 12)
    expect(rollout[0]!.fittedOn).toEqual([0, 1])
  })
  test('leave-one-out is unavailable when too few points remain', () => {
    expect(leaveOneOut('saturating', [1e8, 1e9, 1e10], [3, 2, 1.5])).toBeNull()
  })
  test('unsorted sizes are rejected', () => {
    expect(() => leaveOneOut('powerLaw', [1e9, 1e8, 1e10], [2, 3, 1])).toThrow(/strictly increasing \(index 1/)
  })
})
