/**
 * lmscale's reporter: reads only what the cases recorded (TestCase.meta(), result()) and writes the reports.
 * It never runs a model, so the cases of sharded runs replayed by --merge-reports give the same reports.
 */
import { relative, resolve } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { baselineSummary } from '../report/baseline-summary.ts'
import { unpinnedConsole } from '../report/unpinned.ts'
import { runBaselineGate } from '../baseline/gate.ts'
import { buildResults } from '../report/results.ts'
import type { CaseEntry } from '../core/schema.ts'
import { writeReports } from '../report/write-reports.ts'
import type { ResolvedLmscaleOptions } from './options.ts'
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
        ...(meta.scaling ? { scaling: { ...meta.scaling } } : {}),
      })
    }
  }
  return entries
}

export class LmscaleReporter implements Reporter {
  private vitest: Vitest | undefined

  constructor(private readonly options: Pick<ResolvedLmscaleOptions, 'reportsDir' | 'baselinesDir' | 'update' | 'reportOnly' | 'baseline'>) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const vitest = this.vitest
    if (!vitest) return
    const root = vitest.config.root
    const cases = caseEntries(testModules, root)
    if (!cases.length) return // a run without studies (plain unit tests, --typecheck) writes nothing
    const reportsDir = resolve(root, this.options.reportsDir)
    const now = new Date()
    const doc = buildResults(cases, { version: vitest.version, mode: vitest.config.mode }, now)
    const baseline = runBaselineGate(doc, {
      dir: resolve(root, this.options.baselinesDir),
      update: this.options.update,
      settings: this.options.baseline,
      now,
    })
    await writeReports(doc, { reportsDir, stepSummary: process.env.GITHUB_STEP_SUMMARY, baseline, root })
    vitest.logger.log(`[lmscale] ${cases.length} cases → ${relative(root, reportsDir) || '.'}/{results.json,results.csv,junit.xml,report.md,plots/}`)
    for (const line of unpinnedConsole(doc)) vitest.logger.warn(line)
    for (const line of baselineSummary(baseline, root)) vitest.logger.log(line)
    if (baseline.failed) {
      if (this.options.reportOnly)
        vitest.logger.log('[lmscale] baseline gate: failures reported only (reportOnly / LMSCALE_REPORT_ONLY=1); the run does not fail for them')
      else process.exitCode = 1
    }
  }
}
