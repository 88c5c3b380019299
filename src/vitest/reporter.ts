/**
 * lmscale's reporter: reads only what the cases recorded (TestCase.meta(), result()) and writes the reports.
 * It never runs a model, so the cases of sharded runs replayed by --merge-reports give the same reports.
 */
import { rmSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { studyFileConflicts } from './study-claims.ts'
import { stripVTControlCharacters } from 'node:util'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { baselineSummary } from '../report/baseline-summary.ts'
import { runBaselineGate } from '../baseline/gate.ts'
import { buildResults } from '../report/results.ts'
import type { CaseEntry } from '../core/schema.ts'
import { writeReports } from '../report/write-reports.ts'
import { updateFromVitest, type ResolvedLmscaleOptions } from './options.ts'
import './types.ts'

export function caseEntries(modules: readonly TestModule[], root: string): CaseEntry[] {
  const entries: CaseEntry[] = []
  for (const module of modules) {
    for (const testCase of module.children.allTests()) {
      const meta = testCase.meta().lmscale
      if (!meta) continue
      const result = testCase.result()
      entries.push({
        study: meta.study,
        model: meta.model,
        task: meta.task,
        name: testCase.name,
        file: relative(root, module.moduleId),
        state: result.state,
        resumed: meta.resumed ?? false,
        errors: result.state === 'failed' ? result.errors.map(e => stripVTControlCharacters(e.message)) : [],
        bands: meta.bandChecks ?? [],
        record: meta.record ?? null,
        ...(meta.items ? { items: meta.items } : {}),
      })
    }
  }
  return entries
}

export class LmscaleReporter implements Reporter {
  private vitest: Vitest | undefined
  private update = false

  constructor(
    private readonly options: Pick<ResolvedLmscaleOptions, 'reportsDir' | 'baselinesDir' | 'update' | 'reportOnly' | 'baseline'>,
    /** The run's study-name claims folder, removed when the run ends. */
    private readonly claims?: string,
  ) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest
    // Vitest's resolved value, not a scan of argv: it sees --update=true and the config's `update` too.
    this.update = this.options.update ?? updateFromVitest((vitest.config as { update?: unknown }).update)
  }

  /** Never throws: a failure to write names what it could not write, and the computed metrics go to the console. */
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const vitest = this.vitest
    if (!vitest) return
    if (this.claims) rmSync(this.claims, { recursive: true, force: true })
    const root = vitest.config.root
    const cases = caseEntries(testModules, root)
    if (!cases.length) return // a run without studies (plain unit tests, --typecheck) writes nothing
    for (const conflict of studyFileConflicts(cases)) {
      process.exitCode = 1
      vitest.logger.error(conflict)
    }
    try {
      await this.report(vitest, cases)
    } catch (error) {
      process.exitCode = 1
      vitest.logger.error(`[lmscale] the reports are incomplete: ${(error as Error).message}`)
      vitest.logger.error('[lmscale] the metrics of this run:')
      for (const line of metricLines(cases)) vitest.logger.error(line)
    }
  }

  private async report(vitest: Vitest, cases: CaseEntry[]): Promise<void> {
    const root = vitest.config.root
    const reportsDir = resolve(root, this.options.reportsDir)
    const now = new Date()
    const doc = buildResults(cases, { version: vitest.version, mode: vitest.config.mode }, now)
    const baseline = runBaselineGate(doc, {
      dir: resolve(root, this.options.baselinesDir),
      update: this.update,
      settings: this.options.baseline,
      now,
    })
    for (const line of baselineSummary(baseline, root)) vitest.logger.log(line)
    if (baseline.failed) {
      if (this.options.reportOnly)
        vitest.logger.log('[lmscale] baseline gate: failures reported only (reportOnly / LMSCALE_REPORT_ONLY=1); the run does not fail for them')
      else process.exitCode = 1
    }
    await writeReports(doc, { reportsDir, stepSummary: process.env.GITHUB_STEP_SUMMARY, baseline, root })
    vitest.logger.log(`[lmscale] ${cases.length} cases → ${relative(root, reportsDir) || '.'}/{results.json,results.csv,junit.xml,report.md,plots/}`)
  }
}

/** One line per case with every metric it computed (or why it has none). */
export function metricLines(cases: readonly CaseEntry[]): string[] {
  return cases.map(entry => {
    const metrics = Object.entries(entry.record?.metrics ?? {}).map(([name, m]) => `${name} = ${m.value}${m.stderr === undefined ? '' : ` ± ${m.stderr}`}`)
    return `  ${entry.study}: ${entry.name}: ${metrics.length ? metrics.join(', ') : `no metrics (${entry.state})`}`
  })
}
