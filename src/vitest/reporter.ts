/**
 * lmscale's reporter: reads only what the cases recorded (TestCase.meta(), result()) and writes the reports.
 * It never runs a model, so the cases of sharded runs replayed by --merge-reports give the same reports.
 */
import { rmSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { studyFileConflicts } from './study-claims.ts'
import { stripVTControlCharacters } from 'node:util'
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node'
import { caseLine } from '../report/case-line.ts'
import { baselineSummary } from '../report/baseline-summary.ts'
import { unpinnedConsole } from '../report/unpinned.ts'
import { runBaselineGate } from '../baseline/gate.ts'
import { buildResults } from '../report/results.ts'
import type { CaseEntry } from '../core/schema.ts'
import { writeReports } from '../report/write-reports.ts'
import { flippedDocuments } from './flipped-documents.ts'
import { updateFromVitest, type ResolvedLmscaleOptions } from './options.ts'
import type { CaseMeta } from './types.ts'

function recordedScaling({ predict, ...loss }: NonNullable<CaseMeta['scaling']>): NonNullable<CaseEntry['scaling']> {
  return { ...loss, ...(predict ? { predict: [...predict] } : {}) }
}

/** One study case as results.json records it; undefined for a test that is not a study case. */
export function caseEntry(testCase: TestCase, module: TestModule, root: string): CaseEntry | undefined {
  const meta = testCase.meta().lmscale
  if (!meta) return undefined
  const result = testCase.result()
  return {
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
    ...(meta.scaling ? { scaling: recordedScaling(meta.scaling) } : {}),
  }
}

/**
 * `benchmark` or `test`: Vitest 5 sets config.mode to `test` under `vitest bench` too, so the command line
 * (`vitest bench …`) decides when the config does not say benchmark.
 */
export function runMode(configMode: string, argv: readonly string[] = process.argv): string {
  return configMode === 'benchmark' || argv.slice(2).includes('bench') ? 'benchmark' : configMode
}

export function caseEntries(modules: readonly TestModule[], root: string): CaseEntry[] {
  return modules.flatMap(module => [...module.children.allTests()].flatMap(testCase => caseEntry(testCase, module, root) ?? []))
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

  /** Each case's line as it ends: Vitest 4.1's bench summary shows no test cases, 5's no metrics. */
  onTestCaseResult(testCase: TestCase): void {
    const vitest = this.vitest
    const entry = vitest && caseEntry(testCase, testCase.module, vitest.config.root)
    if (entry) vitest.logger.log(caseLine(entry))
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
    const doc = buildResults(cases, { version: vitest.version, mode: runMode(vitest.config.mode) }, now)
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
    const flipped = await flippedDocuments(doc, baseline, reportsDir)
    await writeReports(doc, { reportsDir, stepSummary: process.env.GITHUB_STEP_SUMMARY, baseline, root, flipped })
    vitest.logger.log(`[lmscale] ${cases.length} cases → ${relative(root, reportsDir) || '.'}/{results.json,results.csv,junit.xml,report.md,index.html,plots/}`)
    for (const line of unpinnedConsole(doc)) vitest.logger.warn(line)
  }
}

/** One line per case with every metric it computed (or why it has none). */
export function metricLines(cases: readonly CaseEntry[]): string[] {
  return cases.map(entry => {
    const metrics = Object.entries(entry.record?.metrics ?? {}).map(([name, m]) => `${name} = ${m.value}${m.stderr === undefined ? '' : ` ± ${m.stderr}`}`)
    return `  ${entry.study}: ${entry.name}: ${metrics.length ? metrics.join(', ') : `no metrics (${entry.state})`}`
  })
}
