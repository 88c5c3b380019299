import { describe, expect, test } from 'vitest'
import { ProgressReporter, formatDuration, formatProgress, plainIntervalMs, progressStyle } from './progress.ts'

describe('progress', () => {
  test('rate, tokens/s and ETA follow from done, total, tokens and elapsed time', () => {
    // 30 of 120 requests in 10 s: 3/s, 90 left → 30 s; 4500 tokens in 10 s → 450 tokens/s
    expect(formatProgress('m › t', { done: 30, total: 120, unit: 'requests', tokens: 4500 }, 10_000)).toBe(
      '[lmscale] m › t  30/120 requests (25%)  3.0 requests/s  450 tokens/s  ETA 30s',
    )
    expect(formatProgress('m › t', { done: 30, total: 120, unit: 'documents' }, 10_000)).toBe(
      '[lmscale] m › t  30/120 documents (25%)  3.0 documents/s  ETA 30s',
    )
  })

  test('durations read as h/m/s', () => {
    expect(formatDuration(59.4)).toBe('59s')
    expect(formatDuration(61)).toBe('1m01s')
    expect(formatDuration(3 * 3600 + 5 * 60 + 7)).toBe('3h05m')
    expect(formatDuration(Infinity)).toBe('?')
  })

  test('a terminal gets the live line, CI and pipes get plain lines', () => {
    expect(progressStyle({ isTTY: true }, {})).toBe('tty')
    expect(progressStyle({ isTTY: true }, { CI: 'true' })).toBe('plain')
    expect(progressStyle({ isTTY: true }, { CI: 'false' })).toBe('tty')
    expect(progressStyle({}, {})).toBe('plain')
    expect(plainIntervalMs({})).toBe(10_000)
    expect(plainIntervalMs({ LMSCALE_PROGRESS_SECONDS: '0.5' })).toBe(500)
    expect(() => plainIntervalMs({ LMSCALE_PROGRESS_SECONDS: 'soon' })).toThrow(/LMSCALE_PROGRESS_SECONDS .*"soon"/)
  })

  test('plain lines are throttled to one per interval, whole lines, no control characters; short cases stay quiet', () => {
    let clock = 0
    const out: string[] = []
    const reporter = new ProgressReporter('m › t', 'plain', { now: () => clock, write: text => out.push(text) }, 1000)
    for (let done = 1; done <= 100; done++) {
      clock = done * 50 // 100 updates over 5 s
      reporter.update({ done, total: 100, unit: 'windows' })
    }
    reporter.finish()
    // printed at t = 1000, 2000, 3000, 4000, 5000 ms
    expect(out).toHaveLength(5)
    expect(out[0]).toBe('[lmscale] m › t  20/100 windows (20%)  20.0 windows/s  ETA 4s\n')
    expect(out.join('')).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/)

    const quiet: string[] = []
    clock = 0
    const short = new ProgressReporter('x', 'plain', { now: () => clock, write: text => quiet.push(text) }, 1000)
    clock = 300
    short.update({ done: 10, total: 10, unit: 'documents' })
    short.finish()
    expect(quiet).toEqual([])
  })

  test('on a terminal one line is rewritten in place and cleared at the end', () => {
    let clock = 0
    const out: string[] = []
    const reporter = new ProgressReporter('m › t', 'tty', { now: () => clock, write: text => out.push(text) }, 200)
    for (const done of [1, 2, 3]) {
      clock = done * 250
      reporter.update({ done, total: 4, unit: 'requests' })
    }
    reporter.finish()
    expect(out).toHaveLength(4)
    for (const text of out) expect(text.startsWith('\r\u001b[2K')).toBe(true)
    expect(out.join('')).not.toContain('\n')
    expect(out.at(-1)).toBe('\r\u001b[2K')
  })
})
