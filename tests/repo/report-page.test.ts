/**
 * The default study's reports/index.html in headless chromium. `.ci/run` runs it right after the default study
 * (`LMSCALE_REPORT_PAGE=reports/index.html`); the pages of merged shards and of a baseline regression are opened
 * by the end-to-end tests that make them (src/vitest/define-study.e2e.test.ts, src/baseline/baseline.e2e.test.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { resultsSchema } from '../../src/core/schema.ts'
import type { ResultsDocument } from '../../src/core/schema.ts'
import { namedRates, timedHere } from '../../src/core/throughput-phases.ts'
import { repositoryRoot } from '../../test-support/package/pack.ts'
import { type OpenedPage, openReportPage } from '../../test-support/report-page.ts'

const pagePath = process.env.LMSCALE_REPORT_PAGE && resolve(repositoryRoot, process.env.LMSCALE_REPORT_PAGE)

describe.runIf(pagePath)('the default study’s report page', () => {
  let opened: OpenedPage
  let doc: ResultsDocument
  beforeAll(async () => {
    doc = resultsSchema.parse(JSON.parse(readFileSync(join(dirname(pagePath!), 'results.json'), 'utf8')))
    opened = await openReportPage(pagePath!)
  }, 60_000)
  afterAll(() => opened?.close())

  test('loads without a console error or a single network request', () => {
    expect(opened.consoleErrors).toEqual([])
    expect(opened.requests).toEqual([])
  })

  test('every chart draws its marks: a point per measurement, one fit line and band (in three stretches), the chance lines', async () => {
    const records = doc.cases.map(c => c.record!)
    const models = new Set(records.map(r => r.model.name)).size
    const kindCount = (kind: string) => records.reduce((n, r) => n + Object.keys(r.metrics).filter(m => r.task.metrics[m]?.kind === kind).length, 0)
    const chanceTasks = new Set(
      records.filter(r => r.task.chance !== null && Object.keys(r.metrics).some(m => r.task.metrics[m]?.kind === 'accuracy')).map(r => r.task.name),
    ).size
    // Throughput is timed once per model, by the case named in measuredIn: a point per model and phase.
    const timed = doc.cases.filter(timedHere).flatMap(c => (c.record?.throughput ? namedRates(c.record.throughput) : []))
    const rates = timed.length
    const phases = new Set(timed.map(r => r.phase)).size
    expect(rates).toBe(models * phases)
    const marks = await opened.marks()
    // Below, within and above the measured sizes: the fitted line and its band in three stretches.
    expect(marks['chart-scaling-fit-fixtures']).toEqual({ area: 3, line: 3, symbol: models })
    expect(marks['chart-accuracy-vs-params']).toMatchObject({ symbol: kindCount('accuracy'), rule: kindCount('accuracy') + chanceTasks, text: chanceTasks })
    expect(marks['chart-perplexity-vs-params']).toMatchObject({ symbol: kindCount('perplexity') })
    expect(marks['chart-quality-vs-speed']).toMatchObject({ symbol: models, text: models, line: 1 })
    expect(marks['chart-throughput-vs-params']).toMatchObject({ symbol: rates, line: phases })
    // Cost vs context: a point per prefill length, decode context and batched decode; a line per model and phase.
    const curves = doc.cases.filter(timedHere).flatMap(c => {
      const t = c.record?.throughput
      return t ? [t.prefillByLength?.length ?? 0, t.decodeByContext?.length ?? 0, t.batchedDecode ? 1 : 0].filter(n => n > 0) : []
    })
    expect(marks['chart-cost-vs-context']).toMatchObject({ symbol: curves.reduce((a, b) => a + b, 0), line: curves.length })
  })

  test('a person can look at it: screenshots under reports/screenshots/', async () => {
    const dir = join(repositoryRoot, 'reports', 'screenshots')
    mkdirSync(dir, { recursive: true })
    await opened.page.screenshot({ path: join(dir, 'default-study.png'), fullPage: true })
    await opened.page.locator('section', { has: opened.page.locator('#chart-scaling-fit-fixtures') }).screenshot({ path: join(dir, 'scaling.png') })
  })
  test('a legend entry toggles its series and a hover shows the point', async () => {
    const accuracyPoints = doc.cases.flatMap(c => Object.keys(c.record!.metrics).filter(m => c.record!.task.metrics[m]?.kind === 'accuracy'))
    const opacities = await opened.toggle('chart-accuracy-vs-params', 'acc_norm')
    expect(opacities.filter(o => o === '1')).toHaveLength(accuracyPoints.filter(m => m === 'acc_norm').length)
    expect(opacities.filter(o => o === '0.12')).toHaveLength(accuracyPoints.filter(m => m !== 'acc_norm').length)
    const smallest = doc.cases.reduce((a, b) => (a.record!.model.parameters.total <= b.record!.model.parameters.total ? a : b)).model
    expect(await opened.hover('chart-scaling-fit-fixtures')).toContain(smallest)
  })
})
