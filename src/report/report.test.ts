import { describe, expect, test } from 'vitest'
import { csvField } from './csv.ts'
import { bandFailureMessage } from './junit.ts'
import { formatBytes, formatCount } from './markdown.ts'

describe('report formatting', () => {
  test('CSV fields are quoted per RFC 4180 only when needed', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(0.25)).toBe('0.25')
    expect(csvField(undefined)).toBe('')
    expect(csvField(null)).toBe('')
  })

  test('a band failure names model, task, metric, value and band', () => {
    expect(bandFailureMessage({ model: 'm', task: 't' }, { metric: 'acc', band: { min: 0.5, max: 0.8 }, value: 0.42, pass: false })).toBe(
      'm › t: acc = 0.42, outside band [0.5, 0.8]',
    )
    expect(bandFailureMessage({ model: 'm', task: 't' }, { metric: 'ppl', band: { max: 20 }, value: null, pass: false })).toBe(
      'm › t: ppl = not reported, outside band ≤ 20',
    )
  })

  test('counts and sizes read as people write them', () => {
    expect(formatCount(124_635_456)).toBe('124.64M')
    expect(formatCount(1_005_461_760)).toBe('1.01B')
    expect(formatCount(950)).toBe('950')
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB')
    expect(formatBytes(null)).toBe('–')
  })
})
