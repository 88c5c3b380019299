import { expect, test } from 'vitest'
import { medianInterval } from './median-interval.ts'

test('10 values: the 2nd and 9th order statistics (P(X ≤ 1) = 11/1024 ≤ 2.5% < P(X ≤ 2) = 56/1024)', () => {
  const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 100]
  expect(medianInterval(values)).toEqual({ median: 5.5, low: 2, high: 9 })
})

test('6 values: the extremes (2 × 1/64 = 3.1% ≤ 5%); 17 values: the 5th and 13th (P(X ≤ 4) = 3,214/131,072 = 2.45%)', () => {
  expect(medianInterval([3, 1, 2, 6, 5, 4])).toEqual({ median: 3.5, low: 1, high: 6 })
  const seventeen = Array.from({ length: 17 }, (_, i) => 17 - i)
  expect(medianInterval(seventeen)).toEqual({ median: 9, low: 5, high: 13 })
})

test('a burst that slows three of twenty samples moves the median by at most a rank', () => {
  const quiet = Array.from({ length: 20 }, (_, i) => 1 + i / 100)
  const burst = quiet.map((v, i) => (i % 7 === 0 ? v * 3 : v))
  expect(medianInterval(quiet).median).toBeCloseTo(1.095, 12)
  expect(medianInterval(burst).median).toBeCloseTo(1.115, 12)
})

test('too few values is an error that says how many are needed', () => {
  expect(() => medianInterval([1, 2, 3, 4, 5])).toThrow(/5 values cannot give a 95% interval for the median \(need at least 6\)/)
})
