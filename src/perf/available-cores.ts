/**
 * The cores this process may actually use: the CPU affinity mask (os.availableParallelism) capped by a cgroup
 * CPU quota (a container limited to 2 CPUs on a 64-core host must not start 64 threads). onnxruntime's own
 * default counts the host's physical cores, which is neither.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

/** CPUs a cgroup quota allows, rounded up; undefined without a quota. Reads v2's cpu.max, else v1's cfs files. */
export function cgroupCpuLimit(read: (path: string) => string | undefined = readIfPresent): number | undefined {
  const v2 = read('/sys/fs/cgroup/cpu.max')
  if (v2 !== undefined) return quotaCpus(v2.trim().split(/\s+/))
  const quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')
  const period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us')
  return quota === undefined || period === undefined ? undefined : quotaCpus([quota.trim(), period.trim()])
}

/** [quota, period] in µs; `max` or a negative quota means none. */
function quotaCpus([quota, period]: readonly string[]): number | undefined {
  if (quota === undefined || quota === 'max' || period === undefined) return undefined
  const cpus = Number(quota) / Number(period)
  return Number.isFinite(cpus) && cpus > 0 ? Math.max(1, Math.ceil(cpus)) : undefined
}

export function availableCores(read?: (path: string) => string | undefined): number {
  const affinity = availableParallelism()
  const quota = cgroupCpuLimit(read)
  return quota === undefined ? affinity : Math.min(affinity, quota)
}

/** Intra-op threads per phase, lmscale's choice unless the study sets `threads` (which then applies to every phase). */
export interface PhaseThreads {
  /** Scoring and prefill: large MatMuls that split across cores. */
  readonly scoring: number
  /** Batch-1 decode steps: one token per call, too little work per operator to repay waking other threads. */
  readonly decode: number
}

/**
 * Measured on the 125M-shaped model on 2 cores (benchmarks/perf.bench.ts prints the comparison): scoring ran
 * about twice as fast on both cores as with onnxruntime's default, batch-1 decode about 1.6× faster on one.
 */
export function phaseThreads(override: number | undefined, cores = availableCores()): PhaseThreads {
  if (override !== undefined) return { scoring: override, decode: override }
  return { scoring: cores, decode: 1 }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
