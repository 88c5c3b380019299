import { expect, test } from 'vitest'
import { nelderMead } from './nelder-mead.ts'

test('finds the Rosenbrock minimum at (1, 1)', () => {
  const rosenbrock = ([x, y]: number[]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2
  const result = nelderMead(rosenbrock, [-1.2, 1], { step: [0.5, 0.5], valueTolerance: 1e-16, pointTolerance: 1e-10, maxEvaluations: 10000 })
  expect(result.converged).toBe(true)
  expect(result.point[0]).toBeCloseTo(1, 6)
  expect(result.point[1]).toBeCloseTo(1, 6)
})

test('minimises a non-smooth (L1) objective', () => {
  const f = ([x, y, z]: number[]) => Math.abs(x! - 1) + 2 * Math.abs(y! + 2) + Math.abs(z! - 0.5)
  const result = nelderMead(f, [0, 0, 0], { step: [1, 1, 1], valueTolerance: 1e-14, pointTolerance: 1e-10 })
  expect(result.point[0]).toBeCloseTo(1, 6)
  expect(result.point[1]).toBeCloseTo(-2, 6)
  expect(result.point[2]).toBeCloseTo(0.5, 6)
})

test('reports non-convergence when the budget runs out', () => {
  const result = nelderMead(([x, y]: number[]) => (x! - 3) ** 2 + (y! + 1) ** 2, [100, 100], { step: [1, 1], maxEvaluations: 10 })
  expect(result.converged).toBe(false)
  expect(result.evaluations).toBeLessThanOrEqual(12)
})
