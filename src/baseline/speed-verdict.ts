/**
 * Pinpoint's three answers for one throughput phase, from a calibrated ratio (run over baseline, each the median
 * over pairs of the phase's rate ÷ a calibration timed right after it) and the half-width of its 95% interval in
 * log space: SAME when the
 * whole interval lies inside the tolerance band, DIFFERENT when it lies wholly outside, UNKNOWN when it
 * straddles an edge (the measurement cannot tell; measure again). An equivalence test, so noise alone can
 * never produce DIFFERENT and a wide interval is never mistaken for SAME.
 */
import type { EnvironmentStamp } from '../core/schema.ts'

export type SpeedVerdict = 'SAME' | 'DIFFERENT' | 'UNKNOWN'

export function speedVerdict(ratio: number, margin: number, tolerance: number): SpeedVerdict {
  const low = Math.log(ratio) - margin
  const high = Math.log(ratio) + margin
  const floor = Math.log1p(-tolerance)
  const ceiling = -floor // symmetric in log space: ×0.9 and ×1/0.9
  if (low >= floor && high <= ceiling) return 'SAME'
  if (high < floor || low > ceiling) return 'DIFFERENT'
  return 'UNKNOWN'
}

/** What makes two runs another machine for speed: never compare throughput across these. */
const MACHINE = ['platform', 'arch', 'cpu', 'cpuId', 'cpuCount', 'gpu', 'executionProvider', 'onnxruntime'] as const

export function machineDifferences(baseline: EnvironmentStamp, current: EnvironmentStamp): string[] {
  return MACHINE.filter(key => baseline[key] !== current[key]).map(key => `${key} ${String(baseline[key])} → ${String(current[key])}`)
}
