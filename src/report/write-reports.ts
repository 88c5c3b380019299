/** Writes every report of a run under the reports directory, each file atomically. */
import { appendFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { BaselineReport } from '../core/comparison.ts'
import { baselineMarkdown } from './baseline-section.ts'
import { writeFileAtomic } from '../core/atomic-file.ts'
import { resultsCsv } from './csv.ts'
import { junitXml } from './junit.ts'
import { markdownReport } from './markdown.ts'
import { type FlippedDocuments, htmlReport } from './html-report.ts'
import { plotSpecs, renderSvg, scalingStatement } from './plots.ts'
import { metricPoints, recordedLosses } from './results.ts'
import { analyzeStudies, itemLookup, qualitySpeedPoints, saturatingStatement, scalingMarkdown, speedPoints } from './scaling-section.ts'
import { resultsSchema } from '../core/schema.ts'
import type { ResultsDocument } from '../core/schema.ts'

export interface WriteReportsOptions {
  readonly reportsDir: string
  /** $GITHUB_STEP_SUMMARY: report.md is appended there when set. */
  readonly stepSummary?: string | undefined
  /** The baseline gate's outcome, for the JUnit failures and the diff table. */
  readonly baseline?: BaselineReport | undefined
  /** Baseline files are named relative to it (default: the reports directory's parent). */
  readonly root?: string | undefined
  /** The documents behind each flagged accuracy comparison, for index.html. */
  readonly flipped?: readonly FlippedDocuments[] | undefined
}

/** Returns the paths written. */
export async function writeReports(doc: ResultsDocument, options: WriteReportsOptions): Promise<string[]> {
  // The reporter's own output must match the schema it promises.
  const checked = resultsSchema.parse(doc)
  const dir = options.reportsDir
  const written: string[] = []
  const write = (name: string, contents: string) => {
    const path = join(dir, name)
    writeFileAtomic(path, contents)
    written.push(path)
  }
  write('results.json', `${JSON.stringify(checked, null, 2)}\n`)
  write('results.csv', resultsCsv(checked))
  const root = options.root ?? dirname(dir)
  write('junit.xml', junitXml(checked, options.baseline, root))

  const points = metricPoints(checked)
  const studies = analyzeStudies(points, recordedLosses(checked), itemLookup(checked), speedPoints(checked))
  const plots = plotSpecs(checked, studies)
  for (const plot of plots) write(join('plots', plot.file), await renderSvg(plot.spec(false)))

  const scaling = scalingMarkdown(studies, qualitySpeedPoints(checked))
  const markdown = markdownReport(checked, {
    scaling,
    plots: plots.map(p => ({ file: `plots/${p.file}`, title: p.title })),
    ...(options.baseline ? { baseline: baselineMarkdown(options.baseline, root) } : {}),
  })
  write('report.md', markdown)
  const statements = studies.flatMap(s => [scalingStatement(s), saturatingStatement(s)].flatMap(text => (text ? [{ study: s.study, text }] : [])))
  write('index.html', htmlReport({ doc: checked, plots, statements, baseline: options.baseline, flipped: options.flipped ?? [] }))
  if (options.stepSummary) appendStepSummary(options.stepSummary, markdown)
  return written
}

function appendStepSummary(path: string, markdown: string): void {
  try {
    appendFileSync(path, markdown)
  } catch (error) {
    // Node's ENOSPC names no path.
    throw new Error(`cannot append report.md to the step summary ${path} (GITHUB_STEP_SUMMARY): ${(error as Error).message}`, { cause: error })
  }
}
