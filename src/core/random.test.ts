import { expect, test } from 'vitest'
import { seededRandom } from './random.ts'

test('same seed, same stream; different seeds differ', () => {
  const a = seededRandom(42)
  const b = seededRandom(42)
  const c = seededRandom(43)
  const first = Array.from({ length: 5 }, () => a.uniform())
  expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(first)
  expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(first)
})

test('uniform and normal moments are right (20 000 draws, 5-sigma bounds)', () => {
  const r = seededRandom(7)
  const n = 20000
  const u = Array.from({ length: n }, () => r.uniform())
  const z = Array.from({ length: n }, () => r.normal())
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length
  expect(Math.abs(mean(u) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n))
  expect(Math.min(...u)).toBeGreaterThanOrEqual(0)
  expect(Math.max(...u)).toBeLessThan(1)
  expect(Math.abs(mean(z))).toBeLessThan(5 / Math.sqrt(n))
  expect(Math.abs(mean(z.map(x => x * x)) - 1)).toBeLessThan(5 * Math.sqrt(2 / n))
  const counts = new Array(6).fill(0)
  for (let i = 0; i < 6000; i++) counts[r.integer(6)]++
  for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(5 * Math.sqrt((1000 * 5) / 6))
})

test('seed must be an integer', () => {
  expect(() => seededRandom(1.5)).toThrow(/seed must be an integer \(got 1.5\)/)
})
