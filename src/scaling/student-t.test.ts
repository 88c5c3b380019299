import { describe, expect, test } from 'vitest'
import { regularizedIncompleteBeta, studentTCdf, studentTCritical, studentTQuantile, studentTTwoSidedPValue } from './student-t.ts'

describe('regularizedIncompleteBeta', () => {
  test('matches closed forms I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 − (1−x)^b', () => {
    for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 13)
      expect(regularizedIncompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 13)
      expect(regularizedIncompleteBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 13)
    }
  })
  test('rejects x outside [0, 1] and non-positive shapes', () => {
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(/x must be in \[0, 1\].*1\.5/)
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(/a and b must be > 0/)
  })
})

describe('Student t', () => {
  test('CDF equals the Cauchy CDF at 1 dof and the closed form at 2 dof', () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 50]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13)
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13)
    }
  })
  test('quantile inverts the closed forms (1 and 2 dof)', () => {
    for (const p of [0.001, 0.1, 0.4, 0.6, 0.975, 0.9995]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8)
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10)
    }
  })
  test('95% two-sided critical values match published tables', () => {
    expect(studentTCritical(0.95, 1)).toBeCloseTo(12.706205, 5)
    expect(studentTCritical(0.95, 2)).toBeCloseTo(4.302653, 5)
    expect(studentTCritical(0.95, 3)).toBeCloseTo(3.182446, 5)
    expect(studentTCritical(0.95, 10)).toBeCloseTo(2.228139, 5)
    expect(studentTCritical(0.99, 5)).toBeCloseTo(4.032143, 5)
    // Large dof tends to the normal quantile 1.959964.
    expect(studentTCritical(0.95, 1e7)).toBeCloseTo(1.959964, 5)
  })
  test('two-sided p-value agrees with 2·(1 − CDF) and the 2-dof closed form', () => {
    expect(studentTTwoSidedPValue(2.5, 7)).toBeCloseTo(2 * (1 - studentTCdf(2.5, 7)), 13)
    const t = 17.48
    expect(studentTTwoSidedPValue(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 13)
  })
  test('bad arguments fail with the value named', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be in \(0, 1\).*got 1/)
    expect(() => studentTCdf(1, 0)).toThrow(/degrees of freedom.*got 0/)
  })
})
