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
  /** Batch-1 decode steps (a second onnxruntime session, with its own copy of the weights, when it differs from scoring). */
  readonly decode: number
}

/**
 * Every available core for every phase, measured on the 125M-shaped model on 2 idle cores with the thread counts
 * interleaved in the same rounds (benchmarks/perf.bench.ts): sliding-window scoring 1.73× as fast on 2 threads as on
 * 1, batch-1 decode 1.25×. One count for both phases also keeps decode in the scoring session (no second copy of
 * the weights).
 */
export function phaseThreads(override: number | undefined, cores = availableCores()): PhaseThreads {
  const threads = override ?? cores
  return { scoring: threads, decode: threads }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
