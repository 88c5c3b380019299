import { describe, expect, test } from 'vitest'
import { machineDifferences, speedVerdict } from './speed-verdict.ts'
import type { EnvironmentStamp } from '../core/schema.ts'

describe('speedVerdict (tolerance 10%: the band is ×0.9 to ×1/0.9 in log space)', () => {
  test('an interval wholly inside the band is SAME', () => {
    // ln 1.02 ± 0.05 = [−0.0302, 0.0698], inside [ln 0.9, −ln 0.9] = [−0.1054, 0.1054]
    expect(speedVerdict(1.02, 0.05, 0.1)).toBe('SAME')
  })

  test('an interval wholly outside is DIFFERENT, slower or faster', () => {
    // A 2× slower scorer: ln 0.5 = −0.693; even ± 0.3 stays below −0.105.
    expect(speedVerdict(0.5, 0.3, 0.1)).toBe('DIFFERENT')
    expect(speedVerdict(2, 0.3, 0.1)).toBe('DIFFERENT')
  })

  test('an interval across an edge is UNKNOWN, however central the ratio', () => {
    expect(speedVerdict(1, 0.2, 0.1)).toBe('UNKNOWN')
    expect(speedVerdict(0.88, 0.05, 0.1)).toBe('UNKNOWN') // [−0.178, −0.078] straddles −0.105
  })
})

test('another CPU, core count or provider is another machine; Node and the commit are not', () => {
  const base = { platform: 'linux', arch: 'x64', cpu: 'A', cpuId: 'a', cpuCount: 2, gpu: null, executionProvider: 'cpu', onnxruntime: '1.30.0', node: 'v20' }
  const env = (over: Partial<EnvironmentStamp>) => ({ ...base, ...over }) as EnvironmentStamp
  expect(machineDifferences(env({}), env({ node: 'v24', gitCommit: 'x' }))).toEqual([])
  expect(machineDifferences(env({}), env({ cpuCount: 4 }))).toEqual(['cpuCount 2 → 4'])
})
