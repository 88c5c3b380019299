/**
 * Pinpoint's three answers for one throughput phase, from the 95% interval of its calibrated ratio, run over
 * baseline (the shift between the two runs' rounds, statistics/shift-interval.ts): SAME when the whole interval
 * lies inside the tolerance band, DIFFERENT when it lies wholly outside, UNKNOWN when it straddles an edge (the
 * measurement cannot tell; measure again). An equivalence test, so noise alone rarely produces DIFFERENT and a
 * wide interval is never mistaken for SAME.
 */
import type { EnvironmentStamp } from '../core/schema.ts'

export type SpeedVerdict = 'SAME' | 'DIFFERENT' | 'UNKNOWN'

/** `low` and `high` bound the ratio (not its logarithm); the band is ×(1 − tolerance) to ×1/(1 − tolerance). */
export function speedVerdict(interval: { readonly low: number; readonly high: number }, tolerance: number): SpeedVerdict {
  const floor = 1 - tolerance
  const ceiling = 1 / floor
  if (interval.low >= floor && interval.high <= ceiling) return 'SAME'
  if (interval.high < floor || interval.low > ceiling) return 'DIFFERENT'
  return 'UNKNOWN'
}

/** What makes two runs another machine for speed: never compare throughput across these. */
const MACHINE = ['platform', 'arch', 'cpu', 'cpuId', 'cpuCount', 'gpu', 'executionProvider', 'onnxruntime'] as const

export function machineDifferences(baseline: EnvironmentStamp, current: EnvironmentStamp): string[] {
  return MACHINE.filter(key => baseline[key] !== current[key]).map(key => `${key} ${String(baseline[key])} → ${String(current[key])}`)
}
