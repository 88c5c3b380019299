import { describe, expect, test } from 'vitest'
import { machineDifferences, speedVerdict } from './speed-verdict.ts'
import type { EnvironmentStamp } from '../core/schema.ts'

describe('speedVerdict (tolerance 10%: the band is ×0.9 to ×1/0.9 = ×1.111)', () => {
  test('an interval wholly inside the band is SAME', () => {
    expect(speedVerdict({ low: 0.91, high: 1.1 }, 0.1)).toBe('SAME')
  })

  test('an interval wholly outside is DIFFERENT, slower or faster', () => {
    // A 2× slower scorer, even with a wide interval.
    expect(speedVerdict({ low: 0.37, high: 0.67 }, 0.1)).toBe('DIFFERENT')
    expect(speedVerdict({ low: 1.5, high: 2.7 }, 0.1)).toBe('DIFFERENT')
  })

  test('an interval across an edge is UNKNOWN, however central the ratio', () => {
    expect(speedVerdict({ low: 0.82, high: 1.22 }, 0.1)).toBe('UNKNOWN')
    expect(speedVerdict({ low: 0.84, high: 0.93 }, 0.1)).toBe('UNKNOWN')
    expect(speedVerdict({ low: 1.05, high: 1.2 }, 0.1)).toBe('UNKNOWN')
  })
})

test('another CPU, core count or provider is another machine; Node and the commit are not', () => {
  const base = { platform: 'linux', arch: 'x64', cpu: 'A', cpuId: 'a', cpuCount: 2, gpu: null, executionProvider: 'cpu', onnxruntime: '1.30.0', node: 'v20' }
  const env = (over: Partial<EnvironmentStamp>) => ({ ...base, ...over }) as EnvironmentStamp
  expect(machineDifferences(env({}), env({ node: 'v24', gitCommit: 'x' }))).toEqual([])
  expect(machineDifferences(env({}), env({ cpuCount: 4 }))).toEqual(['cpuCount 2 → 4'])
})
