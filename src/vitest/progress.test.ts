import { describe, expect, test } from 'vitest'
import { ProgressReporter, formatDuration, formatProgress } from './progress.ts'

describe('progress', () => {
  test('rate and ETA follow from done, total and elapsed time', () => {
    // 30 of 120 documents in 10 s: 3/s, 90 left → 30 s
    expect(formatProgress('m › t', { done: 30, total: 120, unit: 'documents' }, 10_000)).toBe('[lmscale] m › t  30/120 documents (25%)  3.0/s  ETA 30s')
  })

  test('durations read as h/m/s', () => {
    expect(formatDuration(59.4)).toBe('59s')
    expect(formatDuration(61)).toBe('1m01s')
    expect(formatDuration(3 * 3600 + 5 * 60 + 7)).toBe('3h05m')
    expect(formatDuration(Infinity)).toBe('?')
  })

  test('lines are throttled to one per interval and short cases stay quiet', () => {
    let clock = 0
    const lines: string[] = []
    const reporter = new ProgressReporter('m › t', { now: () => clock, write: line => lines.push(line) }, 1000)
    for (let done = 1; done <= 100; done++) {
      clock = done * 50 // 100 updates over 5 s
      reporter.update({ done, total: 100, unit: 'tokens' })
    }
    // printed at t = 1000, 2000, 3000, 4000, 5000 ms
    expect(lines).toHaveLength(5)
    expect(lines[0]).toContain('20/100 tokens')
    expect(lines.at(-1)).toContain('100/100 tokens')

    const quiet: string[] = []
    clock = 0
    const short = new ProgressReporter('x', { now: () => clock, write: line => quiet.push(line) }, 1000)
    clock = 300
    short.update({ done: 10, total: 10, unit: 'documents' })
    expect(quiet).toEqual([])
  })
})
