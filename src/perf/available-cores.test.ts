import { describe, expect, test } from 'vitest'
import { availableParallelism } from 'node:os'
import { availableCores, cgroupCpuLimit, phaseThreads } from './available-cores.ts'

const files = (contents: Record<string, string>) => (path: string) => contents[path]

describe('cores available to the process', () => {
  test("cgroup v2's cpu.max quota, rounded up; max means no quota", () => {
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(2)
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined()
  })

  test("cgroup v1's cfs quota and period; -1 means no quota", () => {
    const v1 = (quota: string) => files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': quota, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' })
    expect(cgroupCpuLimit(v1('400000'))).toBe(4)
    expect(cgroupCpuLimit(v1('-1'))).toBeUndefined()
    expect(cgroupCpuLimit(files({}))).toBeUndefined()
  })

  test('the affinity mask capped by the quota', () => {
    expect(availableCores(files({ '/sys/fs/cgroup/cpu.max': '100000 100000' }))).toBe(1)
    expect(availableCores(files({}))).toBe(availableParallelism())
  })

  test('every available core for every phase unless the study sets the threads', () => {
    expect(phaseThreads(undefined, 8)).toEqual({ scoring: 8, decode: 8 })
    expect(phaseThreads(3, 8)).toEqual({ scoring: 3, decode: 3 })
  })
})
