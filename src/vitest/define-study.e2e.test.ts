/**
 * A tiny study run end to end in child processes (`vitest bench --run`), with a test double for the case
 * executor whose metrics are closed-form functions of the model size, so every reported number can be
 * checked against an independent computation here.
 */
import { namedRates } from '../core/throughput-phases.ts'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { csvColumns } from '../report/csv.ts'
import { openReportPage } from '../../test-support/report-page.ts'
import { resultsSchema } from '../core/schema.ts'
import type { ResultsDocument } from '../core/schema.ts'

const srcDir = fileURLToPath(new URL('..', import.meta.url))
// The Vitest that runs this test runs the studies too (4.1 here, 5 in the Node 24 leg), from its node_modules.
const vitestDir = dirname(createRequire(import.meta.url).resolve('vitest/package.json'))
const vitestBin = join(vitestDir, 'vitest.mjs')
const nodeModules = dirname(vitestDir)
/** Screenshots of the pages these tests open, for a person to look at. */
const screenshots = fileURLToPath(new URL('../../reports/screenshots', import.meta.url))

const MODELS = { tiny: 1e6, small: 1e7, base: 1e8 } as const
type ModelName = keyof typeof MODELS
// The double's closed forms (same formulas as in the bench file below, written independently here).
const expectedAccuracy = (params: number) => 0.3 + 0.05 * Math.log10(params / 1e6)
const expectedClozeAccuracy = (params: number) => 0.25 + 0.1 * Math.log10(params / 1e6)
const expectedPerplexity = (params: number) => 100 * (params / 1e6) ** -0.25
const expectedStderr = (p: number, n: number) => Math.sqrt((p * (1 - p)) / (n - 1))
const N_DOCS = 40

const executorSource = `
import { appendFileSync } from 'node:fs'
const PARAMS = { tiny: 1e6, small: 1e7, base: 1e8 }
const log = line => process.env.LMSCALE_E2E_LOG && appendFileSync(process.env.LMSCALE_E2E_LOG, \`\${process.pid} \${line}\\n\`)
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const acc = (p, n) => ({ value: p, stderr: Math.sqrt(p * (1 - p) / (n - 1)) })
const ACCURACY = { direction: 'higher', kind: 'accuracy', aggregation: 'mean' }
export const executor = {
  tasks: {
    fixture_mc: { kind: 'multiple_choice', version: 'fixture_mc@1', chance: 0.25, metrics: { acc: ACCURACY, acc_norm: ACCURACY } },
    fixture_cloze: { kind: 'multiple_choice', version: 'fixture_cloze@1', metrics: { acc: ACCURACY } },
    fixture_ppl: { kind: 'loglikelihood_rolling', version: 'fixture_ppl@1', metrics: { word_perplexity: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'word' } } },
  },
  async loadModel(spec) {
    log('load ' + spec.name)
    const total = PARAMS[spec.name]
    return { name: spec.name, hash: 'sha-' + spec.name, executionProvider: 'cpu', parameters: { total, embedding: total / 4, nonEmbedding: total * 3 / 4 } }
  },
  async runCase(model, task, options) {
    log('run ' + model.name + ' ' + task)
    const n = 40
    for (let done = 1; done <= n; done++) {
      if (done % 10 === 0) { options.onProgress({ done, total: n, unit: 'documents' }); await sleep(Number(process.env.LMSCALE_E2E_SLOW_MS ?? 0) / 4) }
    }
    const p = model.parameters.total, decades = Math.log10(p / 1e6)
    const metrics = task === 'fixture_mc' ? { acc: acc(0.3 + 0.05 * decades, n), acc_norm: acc(0.3 + 0.05 * decades, n) }
      : task === 'fixture_cloze' ? { acc: acc(0.25 + 0.1 * decades, n) }
      : { word_perplexity: { value: 100 * (p / 1e6) ** -0.25 } }
    const work = () => { let s = 0; for (let i = 0; i < p / 1e4; i++) s += Math.sqrt(i); return s }
    return {
      metrics, n, taskVersion: task + '@1',
      items: { kind: 'other', items: Array.from({ length: n }, (_, i) => ({ doc: i, correct: i % 2 === 0 })) },
      workload: {
        scoring: async () => (work(), 64),
        prefill: async () => (work(), 32),
        decodeCached: async () => (work(), 8),
        decodeNoCache: async () => (work(), work(), 8),
      },
    }
  },
  release(model) { log('release ' + model.name) },
}
`

const studySource = (name: string, tasks: string[], bands: string) => `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
import { executor } from './executor.ts'
defineStudy({
  name: '${name}',
  models: [{ name: 'tiny', source: 'fixtures/tiny' }, { name: 'small', source: 'fixtures/small' }, { name: 'base', source: 'fixtures/base' }],
  tasks: ${JSON.stringify(tasks)},
  bands: ${bands},
  executor,
  throughput: { iterations: 3, warmupIterations: 1 },
})
`

/** A scratch project: the plugin line in vitest.config.ts, the double, two study files (shards split by file). */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-e2e-'))
  mkdirSync(join(dir, 'benchmarks'))
  // The scratch project resolves vitest from the installation that runs this test.
  symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir')
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config'\nimport { lmscale } from '${join(srcDir, 'vitest', 'plugin.ts')}'\nexport default defineConfig({ plugins: [lmscale()] })\n`,
  )
  writeFileSync(join(dir, 'package.json'), '{ "name": "scratch-study", "private": true, "type": "module" }\n')
  writeFileSync(join(dir, 'benchmarks', 'executor.ts'), executorSource)
  // The deliberately failing band: base › fixture_mc acc is 0.4 and the band asks for ≥ 0.9.
  const choiceBands = `{ '*': { fixture_mc: { acc: { min: 0.25, max: 1 } }, fixture_cloze: { acc: { min: 0.2 } } }, base: { fixture_mc: { acc: { min: 0.9 } } } }`
  writeFileSync(join(dir, 'benchmarks', 'choice.bench.ts'), studySource('choice', ['fixture_mc', 'fixture_cloze'], choiceBands))
  writeFileSync(
    join(dir, 'benchmarks', 'perplexity.bench.ts'),
    studySource('perplexity', ['fixture_ppl'], `{ '*': { fixture_ppl: { word_perplexity: { max: 150 } } } }`),
  )
  return dir
}

interface Outcome {
  readonly code: number | null
  readonly output: string
}

/** The child must not think it runs inside the parent's Vitest worker. */
function childEnv(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'NODE_ENV' && key !== 'TEST' && key !== 'GITHUB_STEP_SUMMARY') env[key] = value
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', LMSCALE_E2E_LOG: join(dir, 'calls.log'), ...extra }
}

function startVitest(dir: string, args: string[], extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [vitestBin, ...args], { cwd: dir, env: childEnv(dir, extra), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  const done = new Promise<Outcome>(resolve => child.on('close', code => resolve({ code, output })))
  return { child, done }
}

const runVitest = (dir: string, args: string[], extra: Record<string, string> = {}) => startVitest(dir, args, extra).done

const readResults = (dir: string): ResultsDocument => resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'reports', 'results.json'), 'utf8')))

/** The numbers a study produced, without timings and throughput (which differ from run to run). */
function numbers(doc: ResultsDocument) {
  return doc.cases.map(c => ({
    case: `${c.study}/${c.name}`,
    state: c.state,
    bands: c.bands,
    metrics: c.record?.metrics,
    n: c.record?.n,
    parameters: c.record?.model.parameters,
    hash: c.record?.model.hash,
    taskVersion: c.record?.task.version,
    optionsHash: c.record?.optionsHash,
  }))
}

function caseFiles(dir: string): string[] {
  const root = join(dir, 'reports', 'cases')
  if (!existsSync(root)) return []
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.json'))
    .sort()
}

function callLog(dir: string): string[][] {
  const path = join(dir, 'calls.log')
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map(line => line.split(' '))
    : []
}

interface XmlElement {
  readonly name: string
  readonly attributes: Record<string, string>
  readonly children: XmlElement[]
  text: string
}

/** A strict little XML reader: throws on anything not well-formed (unbalanced tags, bad attributes, stray '<'). */
function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' }
  const stack: XmlElement[] = [root]
  const token =
    /<\?[^?]*\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/gy
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/
  let match: RegExpExecArray | null
  let consumed = 0
  while ((match = token.exec(source))) {
    consumed = token.lastIndex
    const [, cdata, close, open, attrs, selfClose, text] = match
    const top = stack.at(-1)!
    if (cdata !== undefined) top.text += cdata
    else if (close) {
      if (top.name !== close) throw new Error(`</${close}> closes <${top.name}>`)
      stack.pop()
    } else if (open) {
      const attributes: Record<string, string> = {}
      for (const [, key, dq, sq] of (attrs ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        const value = dq ?? sq ?? ''
        if (entity.test(value)) throw new Error(`bad entity in attribute ${key}`)
        attributes[key!] = value.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&')
      }
      const element: XmlElement = { name: open, attributes, children: [], text: '' }
      top.children.push(element)
      if (!selfClose) stack.push(element)
    } else if (text !== undefined) {
      if (entity.test(text)) throw new Error('bad entity in text')
      top.text += text
    }
  }
  if (consumed !== source.length) throw new Error(`not well-formed at offset ${consumed}: ${source.slice(consumed, consumed + 40)}`)
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`)
  if (root.children.length !== 1) throw new Error('an XML document has exactly one root element')
  return root.children[0]!
}

function descendants(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap(child => [...(child.name === name ? [child] : []), ...descendants(child, name)])
}

/** RFC 4180 fields of one CSV line (no embedded line breaks in these reports). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map(m => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!))
}

const projects: string[] = []
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true })
})

describe('a tiny study under `vitest bench --run`', () => {
  let dir: string
  let full: Outcome
  let summaryPath: string

  beforeAll(async () => {
    dir = makeProject()
    projects.push(dir)
    summaryPath = join(dir, 'step-summary.md')
    full = await runVitest(dir, ['bench', '--run'], { GITHUB_STEP_SUMMARY: summaryPath })
  }, 120_000)

  test('fails the run because of the one band outside its range, and says so', () => {
    expect(full.code, full.output).toBe(1)
    expect(full.output).toContain('base › fixture_mc acc')
    expect(full.output).toMatch(/\[lmscale\] 9 cases →/)
  })

  test('junit.xml is well-formed, has one testcase per pair and reports the failing band', () => {
    const xml = parseXml(readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8'))
    const cases = descendants(xml, 'testcase')
    const expectedNames = [
      ...(['tiny', 'small', 'base'] as const).flatMap(m => [`choice ${m} › fixture_mc`, `choice ${m} › fixture_cloze`]),
      ...(['tiny', 'small', 'base'] as const).map(m => `perplexity ${m} › fixture_ppl`),
    ]
    expect(cases.map(c => `${c.attributes.classname} ${c.attributes.name}`).sort()).toEqual(expectedNames.sort())
    const failed = cases.filter(c => descendants(c, 'failure').length > 0)
    expect(failed.map(c => c.attributes.name)).toEqual(['base › fixture_mc'])
    const failure = descendants(failed[0]!, 'failure')[0]!
    // 0.3 + 0.05·log10(1e8 / 1e6) = 0.4
    expect(failure.attributes.message).toBe(`base › fixture_mc: acc = ${expectedAccuracy(1e8)}, outside band ≥ 0.9`)
    expect(failure.attributes.type).toBe('BandFailure')
    expect(failure.text).not.toMatch(/\u001b\[/)
  })

  test('results.json matches its schema and the closed-form numbers', () => {
    const doc = readResults(dir)
    expect(doc.cases).toHaveLength(9)
    for (const c of doc.cases) {
      const params = MODELS[c.model as ModelName]
      const record = c.record!
      expect(record.model.parameters).toEqual({ total: params, embedding: params / 4, nonEmbedding: (3 * params) / 4 })
      expect(record.n).toBe(N_DOCS)
      expect(record.task.version).toBe(`${c.task}@1`)
      expect(record.environment.node).toBe(process.version)
      expect(record.environment.executionProvider).toBe('cpu')
      expect(record.environment.lmscale).toBe(JSON.parse(readFileSync(join(srcDir, '..', 'package.json'), 'utf8')).version)
      expect(record.throughput!.scoring!.tokensPerCall).toBe(64)
      expect(record.throughput!.decodeCached!.tokensPerCall).toBe(8)
      expect(record.throughput!.scoring!.samples).toBeGreaterThanOrEqual(3)
      expect(record.resources.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024)
      expect(record.resources.gpuMemoryBytes).toBeNull()
      if (c.task === 'fixture_mc') {
        const p = expectedAccuracy(params)
        expect(record.metrics.acc!.value).toBeCloseTo(p, 12)
        expect(record.metrics.acc!.stderr).toBeCloseTo(expectedStderr(p, N_DOCS), 12)
      } else if (c.task === 'fixture_cloze') {
        expect(record.metrics.acc!.value).toBeCloseTo(expectedClozeAccuracy(params), 12)
      } else {
        expect(record.metrics.word_perplexity!.value).toBeCloseTo(expectedPerplexity(params), 10)
      }
      expect(c.state).toBe(c.model === 'base' && c.task === 'fixture_mc' ? 'failed' : 'passed')
    }
    const failedBand = doc.cases.find(c => c.state === 'failed')!.bands.find(b => !b.pass)!
    expect(failedBand).toEqual({ metric: 'acc', band: { min: 0.9 }, value: expectedAccuracy(1e8), pass: false })
  })

  test('each model is loaded once per worker and released after its last case there', () => {
    const log = callLog(dir)
    for (const model of Object.keys(MODELS)) {
      const perWorker = new Map<string, string[]>()
      for (const [pid, kind, name] of log) if (name === model) perWorker.set(pid!, [...(perWorker.get(pid!) ?? []), kind!])
      let runs = 0
      for (const kinds of perWorker.values()) {
        // load, then its cases, then release: never a second load or a release before the last case
        expect(kinds[0]).toBe('load')
        expect(kinds.at(-1)).toBe('release')
        expect(kinds.slice(1, -1).every(kind => kind === 'run')).toBe(true)
        runs += kinds.length - 2
      }
      expect(runs).toBe(3)
      // the choice study runs two tasks on one load
      expect([...perWorker.values()].some(kinds => kinds.length === 4)).toBe(true)
    }
  })

  test('results.csv has the documented columns and one row per metric', () => {
    const lines = readFileSync(join(dir, 'reports', 'results.csv'), 'utf8')
      .trimEnd()
      .split('\n')
    expect(csvFields(lines[0]!)).toEqual([...csvColumns])
    // metrics: mc has acc + acc_norm, cloze acc, ppl word_perplexity → 4 per model
    expect(lines).toHaveLength(1 + 3 * 4)
    const column = (name: string) => csvColumns.indexOf(name as (typeof csvColumns)[number])
    for (const line of lines.slice(1)) {
      const fields = csvFields(line)
      expect(fields).toHaveLength(csvColumns.length)
      if (fields[column('metric')] === 'word_perplexity') {
        expect(Number(fields[column('value')])).toBeCloseTo(expectedPerplexity(Number(fields[column('parameters_total')])), 10)
      }
    }
  })

  test('every SVG parses and carries each of its data points', () => {
    const plots = join(dir, 'reports', 'plots')
    expect(readdirSync(plots).sort()).toEqual([
      'accuracy-vs-params.svg',
      'perplexity-vs-params.svg',
      'quality-vs-speed.svg',
      'scaling-fit-perplexity.svg',
      'throughput-vs-params.svg',
    ])
    const labels = (file: string) => {
      const svg = parseXml(readFileSync(join(plots, file), 'utf8'))
      expect(svg.name).toBe('svg')
      return new Set(
        descendants(svg, 'path')
          .map(p => p.attributes['aria-label'])
          .filter(Boolean),
      )
    }
    const perplexity = labels('perplexity-vs-params.svg')
    const accuracy = labels('accuracy-vs-params.svg')
    const throughput = labels('throughput-vs-params.svg')
    const fit = labels('scaling-fit-perplexity.svg')
    for (const [model, params] of Object.entries(MODELS)) {
      expect(perplexity).toContain(`${model} fixture_ppl word_perplexity = ${expectedPerplexity(params)}`)
      expect(fit).toContain(`${model} fixture_ppl word_perplexity = ${expectedPerplexity(params).toPrecision(6)}`)
      for (const label of [`${model} fixture_mc acc = ${expectedAccuracy(params)}`, `${model} fixture_cloze acc = ${expectedClozeAccuracy(params)}`]) {
        expect(accuracy).toContain(label)
      }
    }
    const doc = readResults(dir)
    // Throughput is timed once per model and worker: the case that timed it plots it, its other cases share the numbers.
    const timing = doc.cases.filter(c => c.record!.throughput!.measuredIn === c.name)
    expect(new Set(timing.map(c => c.model))).toEqual(new Set(Object.keys(MODELS)))
    for (const c of doc.cases) {
      const timer = timing.find(t => t.name === c.record!.throughput!.measuredIn && t.study === c.study)
      expect(c.record!.throughput, c.name).toEqual(timer!.record!.throughput)
    }
    for (const c of timing) {
      for (const { phase, rate } of namedRates(c.record!.throughput!)) {
        expect(throughput).toContain(`${c.model} ${c.task} ${phase} = ${rate.tokensPerSecond} tokens/s`)
      }
    }
    expect(throughput.size).toBe(timing.length * 4)
  })

  test('report.md has the model table and per-task accuracies with stderr; the step summary gets it too', () => {
    const markdown = readFileSync(join(dir, 'reports', 'report.md'), 'utf8')
    expect(markdown).toContain(
      '| model | params | non-embedding | fixture_ppl word_perplexity (per word) | scoring tok/s | prefill tok/s | decode (KV cache) tok/s | decode (no cache) tok/s | peak RSS | GPU memory |',
    )
    // perplexity of small: 100·10^-0.25 = 56.234
    expect(markdown).toMatch(/### perplexity\n\n[^#]*\| small \| 10\.00M \| 7\.50M \| 56\.234 \|/)
    const p = expectedAccuracy(1e7)
    expect(markdown).toContain(
      `| small | ${expectedClozeAccuracy(1e7).toFixed(4)} ± ${expectedStderr(expectedClozeAccuracy(1e7), N_DOCS).toFixed(4)} | ${p.toFixed(4)} ± ${expectedStderr(p, N_DOCS).toFixed(4)} |`,
    )
    expect(markdown).toContain(`- ❌ base › fixture_mc: acc = ${expectedAccuracy(1e8)}, outside band ≥ 0.9`)
    // src/scaling's log-log fit recovers the double's PPL = 100·(N/1e6)^−0.25 = 3162.3·N^−0.25
    expect(markdown).toContain('## Scaling: perplexity')
    expect(markdown).toContain(`PPL = ${(100 * 1e6 ** 0.25).toFixed(1)}·N^−0.2500`)
    expect(markdown).toContain('## Scaling: choice\n\nNot fitted: the study reports no perplexity metric.')
    expect(readFileSync(summaryPath, 'utf8')).toBe(markdown)
  })

  test('the same study under `vitest run` (test mode, same runner) gives the same numbers', async () => {
    const testMode = makeProject()
    projects.push(testMode)
    writeFileSync(
      join(testMode, 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config'\nimport { lmscale } from '${join(srcDir, 'vitest', 'plugin.ts')}'\nexport default defineConfig({ plugins: [lmscale()], test: { include: ['benchmarks/**/*.bench.ts'] } })\n`,
    )
    const outcome = await runVitest(testMode, ['run'])
    expect(outcome.code, outcome.output).toBe(1)
    const doc = readResults(testMode)
    expect(doc.vitest.mode).toBe('test')
    expect(numbers(doc)).toEqual(numbers(readResults(dir)))
  }, 120_000)

  test('sharded in two and merged, the reports carry the same numbers', async () => {
    const sharded = makeProject()
    projects.push(sharded)
    for (const shard of ['1/2', '2/2']) {
      const outcome = await runVitest(sharded, ['bench', '--run', `--shard=${shard}`], { LMSCALE_BLOB: '1' })
      expect(outcome.output).toMatch(/blob report written/)
    }
    rmSync(join(sharded, 'reports'), { recursive: true, force: true })
    const merged = await runVitest(sharded, ['bench', '--run', '--merge-reports'])
    expect(merged.output).toMatch(/\[lmscale\] 9 cases →/)
    expect(numbers(readResults(sharded))).toEqual(numbers(readResults(dir)))
    const junit = parseXml(readFileSync(join(sharded, 'reports', 'junit.xml'), 'utf8'))
    expect(descendants(junit, 'testcase')).toHaveLength(9)

    // The merged run's index.html, built from the replayed results alone, in a real browser.
    const page = await openReportPage(join(sharded, 'reports', 'index.html'))
    try {
      expect(page.consoleErrors).toEqual([])
      expect(page.requests).toEqual([])
      const marks = await page.marks()
      expect(marks['chart-scaling-fit-perplexity']).toEqual({ area: 3, line: 3, symbol: 3 })
      // 3 models × (fixture_mc acc, acc_norm + fixture_cloze acc); one chance line (fixture_cloze declares none)
      expect(marks['chart-accuracy-vs-params']).toMatchObject({ symbol: 9, rule: 10, text: 1 })
      expect(marks['chart-perplexity-vs-params']).toMatchObject({ symbol: 3 })
      expect(marks['chart-quality-vs-speed']).toMatchObject({ symbol: 3, line: 1 })
      // 4 phases per timed model (each shard's worker times its models once); a line per (study, phase)
      const timed = readResults(dir).cases.filter(c => c.record!.throughput!.measuredIn === c.name).length
      expect(marks['chart-throughput-vs-params']).toMatchObject({ symbol: timed * 4, line: 8 })
      mkdirSync(screenshots, { recursive: true })
      await page.page.screenshot({ path: join(screenshots, 'merged-shards.png'), fullPage: true })
      const opacities = await page.toggle('chart-accuracy-vs-params', 'acc_norm')
      expect(opacities.filter(o => o === '1')).toHaveLength(3)
      expect(opacities.filter(o => o === '0.12')).toHaveLength(6)
      expect(await page.hover('chart-scaling-fit-perplexity')).toContain('tiny fixture_ppl word_perplexity')
    } finally {
      await page.close()
    }
  }, 180_000)

  test('killed midway and resumed, it gives the same results without recomputing finished cases', async () => {
    const killed = makeProject()
    projects.push(killed)
    const first = startVitest(killed, ['bench', '--run'], { LMSCALE_E2E_SLOW_MS: '1200' })
    const deadline = Date.now() + 60_000
    let exited = false
    void first.done.then(() => (exited = true))
    while (!exited && caseFiles(killed).length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
    expect(exited, 'the study ended before it could be killed').toBe(false)
    process.kill(-first.child.pid!, 'SIGKILL')
    await first.done
    const finishedBeforeKill = caseFiles(killed)
    expect(finishedBeforeKill.length).toBeGreaterThan(0)
    expect(finishedBeforeKill.length).toBeLessThan(9)
    const runsBefore = callLog(killed).filter(([, kind]) => kind === 'run').length

    const resumed = await runVitest(killed, ['bench', '--run'], { LMSCALE_RESUME: '1' })
    expect(resumed.code, resumed.output).toBe(1)
    const rerun = callLog(killed)
      .filter(([, kind]) => kind === 'run')
      .slice(runsBefore)
      .map(([, , model, task]) => `${model}/${task}`)
    const finishedCases = finishedBeforeKill.map(f =>
      f
        .replace(/\.json$/, '')
        .split(/[\\/]/)
        .slice(1)
        .join('/'),
    )
    expect(rerun.filter(c => finishedCases.includes(c))).toEqual([])
    expect(rerun.length).toBe(9 - finishedBeforeKill.length)

    const doc = readResults(killed)
    expect(numbers(doc)).toEqual(numbers(readResults(dir)))
    expect(doc.cases.filter(c => c.resumed).length).toBe(finishedBeforeKill.length)
  }, 120_000)
})
