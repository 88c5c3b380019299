import { expect, test } from 'vitest'
import { describeValue } from './config-error.ts'

test('values are shown as written: NaN and ±Infinity stay visible where JSON would print null', () => {
  expect(describeValue({ min: Number.NaN, max: Number.POSITIVE_INFINITY, list: [Number.NEGATIVE_INFINITY, 1, 'NaN'] })).toBe(
    '{"min":NaN,"max":Infinity,"list":[-Infinity,1,"NaN"]}',
  )
  expect(describeValue(Number.NaN)).toBe('NaN')
  expect(describeValue(() => 1)).toBe('a function')
  expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(76)}...`)
})
