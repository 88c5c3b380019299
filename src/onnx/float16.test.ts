import { expect, test } from 'vitest'
import { floatToHalf } from './float16.ts'
import { halfToFloat } from './tensor-math.ts'

test('floatToHalf gives the IEEE 754 binary16 bits of hand-worked values, ties to even', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66], // 0.0999755859375, the nearest half
    [65504, 0x7bff], // the largest finite half
    [65519, 0x7bff], // below the midpoint to 65536
    [65520, 0x7c00], // the midpoint rounds to even: infinity
    [1e6, 0x7c00],
    [2 ** -14, 0x0400], // the smallest normal
    [2 ** -24, 0x0001], // the smallest subnormal
    [2 ** -25, 0x0000], // halfway to the smallest subnormal: ties to even (zero)
    [1.5 * 2 ** -25, 0x0001],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: even mantissa stays
    [1 + 3 * 2 ** -11, 0x3c02], // halfway between two halves: rounds up to the even one
    [Number.POSITIVE_INFINITY, 0x7c00],
  ]
  for (const [value, bits] of cases) expect([value, floatToHalf(value)]).toEqual([value, bits])
  expect(Number.isNaN(halfToFloat(floatToHalf(Number.NaN)))).toBe(true)
})

test('every half value converts to its own bits, and a value between two halves goes to the nearer', () => {
  const wrong: number[] = []
  for (let bits = 0; bits < 0x7c00; bits++) {
    const value = halfToFloat(bits)
    const next = halfToFloat(bits + 1)
    if (floatToHalf(value) !== bits) wrong.push(bits)
    if (bits + 1 === 0x7c00) continue
    if (floatToHalf(value + (next - value) * 0.25) !== bits || floatToHalf(value + (next - value) * 0.75) !== bits + 1) wrong.push(bits)
  }
  expect(wrong).toEqual([])
})
