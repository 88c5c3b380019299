/**
 * junit.xml via junit-report-builder: one <testsuite> per study, one <testcase> per (model, task). A band
 * failure's message names the model, task, metric, value and band; other errors go in the body.
 */
import { stripVTControlCharacters } from 'node:util'
import junitDefault from 'junit-report-builder'
import type { Builder } from 'junit-report-builder'
import { relative } from 'node:path'
import { formatComparison } from './format-comparison.ts'
import type { BaselineReport } from '../core/comparison.ts'
import { formatBand } from '../core/bands.ts'
import type { BandCheck, CaseEntry, ResultsDocument } from '../core/schema.ts'

// The package's module.exports is the builder itself; its typings describe a `default` property instead.
const junit = junitDefault as unknown as Builder

export function bandFailureMessage(entry: Pick<CaseEntry, 'model' | 'task'>, check: BandCheck): string {
  const value = check.value === null ? 'not reported' : String(check.value)
  return `${entry.model} › ${entry.task}: ${check.metric} = ${value}, outside band ${formatBand(check.band)}`
}

export function junitXml(doc: ResultsDocument, baseline?: BaselineReport, root = process.cwd()): string {
  const builder = junit.newBuilder()
  const studies = [...new Set(doc.cases.map(c => c.study))]
  for (const study of studies) {
    const suite = builder.testSuite().name(study)
    for (const entry of doc.cases.filter(c => c.study === study)) {
      const testCase = suite
        .testCase()
        .className(study)
        .name(entry.name)
        .time((entry.record?.timing.caseMs ?? 0) / 1000)
      if (entry.record) testCase.standardOutput(caseSummaryLine(entry))
      if (entry.state === 'skipped' || entry.state === 'pending') {
        testCase.skipped()
      } else if (entry.state === 'failed') {
        const bandFailures = entry.bands.filter(b => !b.pass).map(b => bandFailureMessage(entry, b))
        const errors = entry.errors.map(e => stripVTControlCharacters(e))
        const message = bandFailures.length ? bandFailures.join('; ') : (errors[0] ?? `${entry.name} failed`)
        testCase.failure(message, bandFailures.length ? 'BandFailure' : 'CaseError')
        if (errors.length) testCase.stacktrace(errors.join('\n\n'))
      }
    }
  }
  if (baseline) addBaselineSuites(builder, baseline, root)
  return builder.build()
}

/**
 * One suite per compared study, one testcase per (model, task, metric): a regression or an incomparable case
 * is a failure whose message names model, task, metric, baseline → now, change and significance.
 */
function addBaselineSuites(builder: Builder, report: BaselineReport, root: string): void {
  for (const study of report.studies) {
    if (study.status === 'missing' || study.status === 'updated') continue
    const className = `${study.study}.baseline`
    const suite = builder.testSuite().name(`${study.study} baseline`)
    if (study.status === 'error') {
      suite
        .testCase()
        .className(className)
        .name(`baseline ${relative(root, study.file)}`)
        .failure(study.error ?? 'unreadable baseline', 'BaselineError')
      continue
    }
    for (const c of study.comparisons) {
      const testCase = suite.testCase().className(className).name(`${c.model} › ${c.task} › ${c.metric}`)
      if (c.verdict === 'regression') testCase.failure(formatComparison(c), 'BaselineRegression')
      else if (c.verdict === 'incomparable') testCase.failure(formatComparison(c), 'BaselineIncomparable')
      else if (c.verdict === 'new') testCase.skipped()
      else testCase.standardOutput(`${c.verdict}: ${formatComparison(c)}`)
    }
  }
}

function caseSummaryLine(entry: CaseEntry): string {
  const record = entry.record!
  const metrics = Object.entries(record.metrics).map(([name, m]) => `${name}=${m.value}${m.stderr === undefined ? '' : `±${m.stderr}`}`)
  const rate = record.throughput?.scoring?.tokensPerSecond
  return [...metrics, `n=${record.n}`, ...(rate === undefined ? [] : [`scoring_tokens_per_s=${rate.toFixed(1)}`]), ...(entry.resumed ? ['resumed'] : [])].join(
    ' ',
  )
}
