/**
 * The baseline gate of one run: per study, either writes the baseline (update flag) or compares every case
 * with it, then judges the accuracy tests together with Holm's adjustment. Only this file touches the disk.
 */
import type { CaseEntry, ResultsDocument } from '../core/schema.ts'
import { baselineEntryOf, baselineKey, baselinePath, BaselineFileError, readBaselineFile, writeBaselineFile } from './baseline-file.ts'
import { compareCase } from './compare-case.ts'
import { failingVerdicts } from '../core/comparison.ts'
import type { BaselineReport, CompareSettings, StudyBaseline } from '../core/comparison.ts'
import type { BaselineFile } from './schema.ts'
import { BASELINE_SCHEMA_VERSION } from './schema.ts'
import { holmAdjust } from '../statistics/significance.ts'

export interface GateOptions {
  /** Absolute baselines directory. */
  readonly dir: string
  readonly update: boolean
  readonly settings: CompareSettings
  readonly now: Date
}

export function runBaselineGate(doc: ResultsDocument, options: GateOptions): BaselineReport {
  const studies = [...new Set(doc.cases.map(c => c.study))].sort()
  const results = studies.map(study => {
    const cases = doc.cases.filter(c => c.study === study)
    const file = baselinePath(options.dir, study)
    return options.update ? updateStudy(study, file, cases, options.now) : compareStudy(study, file, cases, options.settings)
  })
  const judged = judgeTests(results, options.settings.alpha)
  const failed = judged.some(s => s.status === 'error' || s.comparisons.some(c => failingVerdicts.has(c.verdict)))
  return { update: options.update, settings: options.settings, studies: judged, failed }
}

function readOrError(file: string, study: string): { baseline?: BaselineFile; error?: string } {
  try {
    const baseline = readBaselineFile(file, study)
    return baseline ? { baseline } : {}
  } catch (error) {
    if (error instanceof BaselineFileError) return { error: error.message }
    throw error
  }
}

function compareStudy(study: string, file: string, cases: readonly CaseEntry[], settings: CompareSettings): StudyBaseline {
  const { baseline, error } = readOrError(file, study)
  if (error) return { study, file, status: 'error', error, comparisons: [] }
  if (!baseline) return { study, file, status: 'missing', comparisons: [] }
  const comparisons = cases.flatMap(entry => compareCase(entry, baseline.cases[baselineKey(entry.model, entry.task)], settings))
  return { study, file, status: 'compared', comparisons }
}

/** Cases of this run replace their entries; entries of cases the run did not have (other shards, -t) stay. */
function updateStudy(study: string, file: string, cases: readonly CaseEntry[], now: Date): StudyBaseline {
  const { baseline, error } = readOrError(file, study)
  const merged: BaselineFile['cases'] = { ...baseline?.cases }
  let written = 0
  for (const entry of cases) {
    const baselineEntry = baselineEntryOf(entry)
    if (!baselineEntry) continue
    merged[baselineKey(entry.model, entry.task)] = baselineEntry
    written++
  }
  // No case of the study ran (a -t filter skipped them all): the file stays as it was, updatedAt included.
  if (written === 0) return { study, file, status: 'updated', written, kept: Object.keys(merged).length, comparisons: [] }
  writeBaselineFile(file, { schemaVersion: BASELINE_SCHEMA_VERSION, study, updatedAt: now.toISOString(), cases: merged })
  return {
    study,
    file,
    status: 'updated',
    written,
    kept: Object.keys(merged).length - written,
    ...(error ? { replacedUnreadable: error } : {}),
    comparisons: [],
  }
}

/** Holm over every p-value of the run; a significant change is a regression or an improvement by its sign. */
function judgeTests(studies: readonly StudyBaseline[], alpha: number): StudyBaseline[] {
  const tested = studies.flatMap(s => s.comparisons.filter(c => c.pValue !== undefined))
  const holm = holmAdjust(tested.map(t => t.pValue!))
  const adjusted = new Map(tested.map((c, i) => [c, holm[i]!]))
  return studies.map(s => ({
    ...s,
    comparisons: s.comparisons.map(c => {
      const adjustedP = adjusted.get(c)
      if (adjustedP === undefined) return c
      const significant = adjustedP < alpha && c.change !== null && c.change !== 0
      const worse = c.better === 'lower' ? c.change! > 0 : c.change! < 0
      return { ...c, adjustedP, verdict: significant ? (worse ? 'regression' : 'improvement') : 'unchanged' }
    }),
  }))
}
