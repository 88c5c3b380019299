/**
 * A model's throughput as the harness records it: measured once (throughput.ts), then, with the throughput gate on, against the case's
 * baseline entry when there is one, measured a second time when any phase's first rate is not SAME, and that
 * confirmation kept for those phases, before the gate judges them: a burst of load alone cannot fail a run.
 */
import { baselineKey, baselinePath, readBaselineFile } from '../baseline/baseline-file.ts'
import { throughputJudgements } from '../baseline/compare-case.ts'
import type { CalibrationWorkload, ThroughputWorkload } from '../core/executor.ts'
import type { CaseRecord } from '../core/schema.ts'
import { confirmPhases, measureThroughput, type MeasuredThroughput, type ThroughputOptions } from './throughput.ts'

export interface BaselineLookup {
  /** Absolute baselines directory. */
  readonly dir: string
  /** The case's key in the study's file (its model and task label). */
  readonly model: string
  readonly task: string
  readonly tolerance: number
}

export async function measureModelThroughput(
  draft: CaseRecord,
  workload: ThroughputWorkload,
  calibration: CalibrationWorkload,
  options: ThroughputOptions,
  extra: { readonly loadMs: number; readonly measuredIn: string },
  baseline: BaselineLookup | undefined,
): Promise<MeasuredThroughput> {
  const measured = await measureThroughput(workload, calibration, options, extra)
  const entry = baseline && baselineEntry(baseline, draft.study)
  if (!entry || !baseline) return measured
  const record = { ...draft, ...measured }
  const unsettled = throughputJudgements(entry, record, baseline.tolerance).flatMap(j => ('verdict' in j && j.verdict !== 'SAME' ? [j.phase] : []))
  if (!unsettled.length) return measured
  const confirmation = await confirmPhases(workload, calibration, unsettled, options)
  return { ...measured, throughput: { ...measured.throughput, confirmation } }
}

/** The case's entry in its study's baseline file; a missing or unreadable file is the gate's to report, not the worker's. */
function baselineEntry({ dir, model, task }: BaselineLookup, study: string) {
  try {
    return readBaselineFile(baselinePath(dir, study), study)?.cases[baselineKey(model, task)]
  } catch {
    return undefined
  }
}
