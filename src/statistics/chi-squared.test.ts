import { chiSquaredDistributionTable } from 'simple-statistics'
import { describe, expect, test } from 'vitest'
import { chiSquaredSurvival } from './chi-squared.ts'

describe('chiSquaredSurvival', () => {
  test('closed forms: 2 dof is e^(−x/2); 4 dof is e^(−x/2)(1 + x/2)', () => {
    for (const x of [0.1, 1, 3, 7.5, 20, 60]) {
      expect(chiSquaredSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12)
      expect(chiSquaredSurvival(x, 4)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2), 12)
    }
    expect(chiSquaredSurvival(0, 3)).toBe(1)
  })
  test("simple-statistics' table of critical values: the tail there is the table's p", () => {
    const table = chiSquaredDistributionTable as unknown as Record<number, Record<string, number>>
    for (const dof of [1, 3, 5, 10, 30]) {
      for (const p of ['0.1', '0.05', '0.01']) expect(chiSquaredSurvival(table[dof]![p]!, dof)).toBeCloseTo(Number(p), 3)
    }
  })
  test('bad input is named', () => {
    expect(() => chiSquaredSurvival(1, 0)).toThrow('dof must be positive (got 0)')
    expect(() => chiSquaredSurvival(-1, 2)).toThrow('x must be ≥ 0 (got -1)')
  })
})
