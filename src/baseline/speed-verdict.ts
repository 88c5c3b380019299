/**
 * Pinpoint's three answers for one throughput phase, from the 95% interval of its calibrated ratio, run over
 * baseline (the shift between the two runs' rounds, statistics/shift-interval.ts): SAME when the whole interval
 * lies inside the tolerance band, DIFFERENT when it lies wholly outside, UNKNOWN when it straddles an edge (the
 * measurement cannot tell; measure again). An equivalence test, so noise alone rarely produces DIFFERENT and a
 * wide interval is never mistaken for SAME.
 */
import type { CalibrationRecord, EnvironmentStamp } from '../core/schema.ts'

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

/**
 * Why a run's calibrated ratios cannot be compared with the baseline's although the machine is the same: its
 * calibration (the MatMul timed after the phases, in the same process) ran outside the tolerance band of the
 * baseline's. A calibration divides out a machine's pace only while the machine is in the state the baseline was
 * taken in: on 2 cores with a busy loop per core, against an idle baseline, brown-bigram-l's calibrated ratios
 * moved to ×0.3–×0.6 while its MatMul ran at ×0.46 of the baseline's. Undefined when the states match.
 */
export function machineStateDifference(baseline: CalibrationRecord, current: CalibrationRecord | null | undefined, tolerance: number): string | undefined {
  if (!current) return 'not gated: the run timed no calibration'
  if (current.name !== baseline.name) return `not compared: calibrated with ${current.name}, the baseline with ${baseline.name}`
  const pace = current.unitsPerSecond / baseline.unitsPerSecond
  if (speedVerdict({ low: pace, high: pace }, tolerance) === 'SAME') return undefined
  const rate = (c: CalibrationRecord) => `${(c.unitsPerSecond / 1e9).toFixed(1)} G${c.unit}/s`
  return (
    `not gated: the calibration ran at ×${pace.toFixed(2)} of the baseline's (${rate(current)} vs ${rate(baseline)}), beyond the ${Math.round(tolerance * 100)}% tolerance: ` +
    'the machine was busier or clocked differently than when the baseline was recorded, and calibrated ratios compare only between like states'
  )
}
