/**
 * The gate end to end in child processes (`vitest bench --run`, as users run it): a forged fixture model and a
 * copy with one weight tensor scaled for quality, a test-double executor with slow-down switches for throughput
 * and for unreadable baseline files.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureFixtureModels, fixtureDecoderConfig, FIXTURE_MODELS, forgeDecoder, readSafetensors, SPECIAL_TOKENS } from '../forge/index.ts'
import { resultsSchema } from '../core/schema.ts'
import { runVitest, scratchProject, srcDir } from '../../test-support/checkout-project.ts'
import { openReportPage } from '../../test-support/report-page.ts'

/** Screenshots of the pages these tests open, for a person to look at. */
const screenshots = fileURLToPath(new URL('../../reports/screenshots', import.meta.url))

const projects: string[] = []
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true })
})

/** A scratch project with `files` in its benchmarks folder. */
function makeProject(files: Record<string, string>, pluginOptions = '{}'): string {
  const dir = scratchProject(Object.fromEntries(Object.entries(files).map(([name, text]) => [`benchmarks/${name}`, text])), pluginOptions)
  projects.push(dir)
  return dir
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8')

/** <failure message="…" type="…"> of junit.xml, by testcase name (junit-report-builder escapes only these entities). */
function junitFailures(dir: string): Map<string, { message: string; type: string }> {
  const xml = read(dir, 'reports/junit.xml')
  const unescapeXml = (s: string) =>
    s.replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
  const failures = new Map<string, { message: string; type: string }>()
  for (const [, name, body] of xml.matchAll(/<testcase classname="[^"]*" name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    const failure = /<failure message="([^"]*)" type="([^"]*)"/.exec(body!)
    if (failure) failures.set(unescapeXml(name!), { message: unescapeXml(failure[1]!), type: failure[2]! })
  }
  return failures
}

describe('quality: a fixture model with one weight tensor scaled', () => {
  const study = `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
defineStudy({
  name: 'perturb',
  models: [{ name: 'bigram-s', source: process.env.MODEL_DIR! }],
  tasks: ['brown_heldout_ppl', 'brown_word_order'],
  limit: 400,
  throughput: false,
})
`
  let dir: string
  let original: string
  let perturbed: string

  beforeAll(async () => {
    const manifest = await ensureFixtureModels()
    original = manifest.models.find(m => m.name === 'brown-bigram-s')!.path
    // The final RMSNorm's gain scaled by −1: every logit changes sign, so the model prefers what it should not.
    const weights = await readSafetensors(join(original, 'model.safetensors'))
    const norm = weights['model.norm.weight']!
    const scaled = { ...weights, 'model.norm.weight': { shape: norm.shape, data: norm.data.map(v => -v) } }
    const tokenizer = {
      json: JSON.parse(readFileSync(join(original, 'tokenizer.json'), 'utf8')),
      bosToken: SPECIAL_TOKENS.bos,
      eosToken: SPECIAL_TOKENS.eos,
      unkToken: SPECIAL_TOKENS.unk,
      addBosToken: true,
    }
    dir = makeProject({ 'perturb.bench.ts': study })
    perturbed = await forgeDecoder(
      fixtureDecoderConfig(FIXTURE_MODELS.find(m => m.name === 'brown-bigram-s')!),
      scaled,
      tokenizer,
      join(dir, 'perturbed-model'),
    )
  }, 120_000)

  test('-u writes the baseline; an unchanged run passes in exact mode; the scaled copy fails with the right signs', async () => {
    const created = await runVitest(dir, ['bench', '--run', '-u'], { MODEL_DIR: original })
    expect(created.code, created.output).toBe(0)
    expect(created.output).toContain('[lmscale] baseline perturb: wrote 2 cases to benchmarks/__baselines__/perturb.json')
    const baseline = JSON.parse(read(dir, 'benchmarks/__baselines__/perturb.json'))
    expect(Object.keys(baseline.cases)).toEqual(['bigram-s › brown_heldout_ppl', 'bigram-s › brown_word_order'])
    const baseItems = JSON.parse(read(dir, 'reports/cases/perturb/bigram-s/brown_word_order.json')).items as { acc: 0 | 1 }[]
    const basePpl = JSON.parse(read(dir, 'reports/cases/perturb/bigram-s/brown_heldout_ppl.json')).record.metrics.perplexity.value as number

    const unchanged = await runVitest(dir, ['bench', '--run'], { MODEL_DIR: original })
    expect(unchanged.code, unchanged.output).toBe(0)
    expect(unchanged.output).toMatch(/baseline perturb \(benchmarks\/__baselines__\/perturb\.json, exact\): 8 comparisons, 0 regressions/)
    expect(read(dir, 'reports/report.md')).toContain('✅ no regressions')

    const scaled = await runVitest(dir, ['bench', '--run'], { MODEL_DIR: perturbed })
    expect(scaled.code, scaled.output).toBe(1)
    const nowItems = JSON.parse(read(dir, 'reports/cases/perturb/bigram-s/brown_word_order.json')).items as { acc: 0 | 1 }[]
    const nowPpl = JSON.parse(read(dir, 'reports/cases/perturb/bigram-s/brown_heldout_ppl.json')).record.metrics.perplexity.value as number
    // Discordant pairs counted here from the two runs' per-item case files.
    const worse = baseItems.filter((item, i) => item.acc === 1 && nowItems[i]!.acc === 0).length
    const better = baseItems.filter((item, i) => item.acc === 0 && nowItems[i]!.acc === 1).length
    expect(worse).toBeGreaterThan(better)
    expect(nowPpl).toBeGreaterThan(basePpl * 1.01)

    const results = resultsSchema.parse(JSON.parse(read(dir, 'reports/results.json')))
    expect(results.cases.every(c => c.state === 'passed')).toBe(true) // the cases pass; the gate fails the run
    const failures = junitFailures(dir)
    const acc = failures.get('bigram-s › brown_word_order › acc')!
    expect(acc.type).toBe('BaselineRegression')
    expect(acc.message).toMatch(/^bigram-s › brown_word_order acc: [\d.]+ → [\d.]+, −[\d.]+ \(−[\d.]+%\); McNemar exact p = /)
    expect(acc.message).toContain(`${worse} right→wrong, ${better} wrong→right of 400`)
    const ppl = failures.get('bigram-s › brown_heldout_ppl › perplexity')!
    expect(ppl.message).toMatch(/^bigram-s › brown_heldout_ppl perplexity: [\d.]+ → [\d.e+]+, \+/)
    expect(failures.has('bigram-s › brown_heldout_ppl › nll')).toBe(true)
    expect(read(dir, 'reports/report.md')).toMatch(
      /\| bigram-s › brown_word_order \| acc \| [\d.]+ \| [\d.]+ \| −[^|]+ \| McNemar exact p = [^|]+ \| ❌ regression \|/,
    )
    // A plain run never rewrites the baseline.
    expect(JSON.parse(read(dir, 'benchmarks/__baselines__/perturb.json'))).toEqual(baseline)

    // index.html lists the documents that flipped, in a real browser.
    const page = await openReportPage(join(dir, 'reports', 'index.html'))
    try {
      expect(page.consoleErrors).toEqual([])
      expect(page.requests).toEqual([])
      const section = page.page.locator('details.flips', { hasText: 'bigram-s › brown_word_order acc: documents that flipped' })
      const listed = await section.locator('li.flip').evaluateAll(items =>
        items.map(item => ({
          index: Number(item.getAttribute('data-index')),
          worse: item.classList.contains('worse'),
          choices: item.querySelectorAll('ol.choices > li').length,
          gold: [...item.querySelectorAll('ol.choices > li')].findIndex(li => li.classList.contains('gold')),
          now: [...item.querySelectorAll('ol.choices > li')].findIndex(li => li.classList.contains('now')),
          prompt: item.querySelector('pre.prompt')?.textContent ?? '',
        })),
      )
      const nowLl = JSON.parse(read(dir, 'reports/cases/perturb/bigram-s/brown_word_order.json')).items as { gold: number; ll: number[] }[]
      const rightToWrong = baseItems.flatMap((item, i) => (item.acc === 1 && nowItems[i]!.acc === 0 ? [i] : []))
      const wrongToRight = baseItems.flatMap((item, i) => (item.acc === 0 && nowItems[i]!.acc === 1 ? [i] : []))
      // At most 25 per direction, in document order, worse first.
      expect(listed.map(l => l.index)).toEqual([...rightToWrong.slice(0, 25), ...wrongToRight.slice(0, 25)])
      for (const item of listed) {
        const { gold, ll } = nowLl[item.index]!
        expect(item.prompt.length).toBeGreaterThan(0)
        expect(item.choices).toBe(ll.length)
        expect(item.gold).toBe(gold)
        // acc's choice now: the first highest log-likelihood of this run's case file.
        if (item.worse) expect(item.now).toBe(ll.indexOf(Math.max(...ll)))
        else expect(item.now).toBe(gold)
      }
      mkdirSync(screenshots, { recursive: true })
      await page.page.locator('#baseline').screenshot({ path: join(screenshots, 'baseline-diff.png') })
    } finally {
      await page.close()
    }
  }, 300_000)
})

describe('identity: one byte of tokenizer.json is another model', () => {
  const study = `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
defineStudy({ name: 'identity', models: [{ name: 'xs', source: process.env.MODEL_DIR! }], tasks: ['brown_heldout_ppl'], throughput: false })
`
  test('resume recomputes and the baseline says "model changed" instead of comparing bit for bit', async () => {
    const original = (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-xs')!.path
    const dir = makeProject({ 'identity.bench.ts': study })
    const changed = join(dir, 'changed-model')
    cpSync(original, changed, { recursive: true })
    // A trailing newline: the same tokenizer to JSON.parse, another file to sha256.
    writeFileSync(join(changed, 'tokenizer.json'), `${read(changed, 'tokenizer.json')}\n`)
    const caseFile = 'reports/cases/identity/xs/brown_heldout_ppl.json'

    const created = await runVitest(dir, ['bench', '--run', '-u'], { MODEL_DIR: original })
    expect(created.code, created.output).toBe(0)
    const first = JSON.parse(read(dir, caseFile)).record
    expect(first.model.files['tokenizer.json']).toMatch(/^[0-9a-f]{64}$/)

    const resumed = await runVitest(dir, ['bench', '--run'], { MODEL_DIR: original, LMSCALE_RESUME: '1' })
    expect(resumed.code, resumed.output).toBe(0)
    expect(JSON.parse(read(dir, 'reports/results.json')).cases[0].resumed).toBe(true)

    const other = await runVitest(dir, ['bench', '--run'], { MODEL_DIR: changed, LMSCALE_RESUME: '1' })
    expect(other.code, other.output).toBe(0)
    const results = JSON.parse(read(dir, 'reports/results.json'))
    expect(results.cases[0].resumed).toBe(false)
    expect(results.cases[0].record.model.hash).not.toBe(first.model.hash)
    expect(other.output).toMatch(/! xs › brown_heldout_ppl: model changed: tokenizer\.json \(identity [0-9a-f]{12} → [0-9a-f]{12}\); compared statistically/)
    expect(other.output).not.toMatch(/baseline identity \(\S+, exact\)/)
    expect(read(dir, 'reports/report.md')).toContain('model changed: tokenizer.json')
  }, 240_000)
})

describe('dataset files: a changed file is recomputed on resume and named by the baseline comparison', () => {
  // DATA_SHA stands for the bytes of the dataset file the task reads now; dataFiles() reports it without scoring.
  const executor = `
const COMMIT = 'c'.repeat(40)
const file = () => ({ repo: 'owner/data', revision: COMMIT, path: 'test.parquet', commit: COMMIT, sha256: process.env.DATA_SHA })
export const executor = {
  tasks: { double_mc: { kind: 'multiple_choice', version: '1', chance: 0.5, metrics: { acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } } } },
  async loadModel() {
    return { hash: 'sha-double', executionProvider: 'cpu', parameters: { total: 1e6, embedding: 0, nonEmbedding: 1e6 }, identity: { files: {}, settings: {}, commit: COMMIT } }
  },
  async runCase() {
    return { metrics: { acc: { value: 0.5 } }, n: 2, taskVersion: '1', dataFiles: [file()] }
  },
  async dataFiles() { return [file()] },
  release() {},
}
`
  const study = `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
import { executor } from './executor.ts'
defineStudy({ name: 'data', models: [{ name: 'm', source: 'owner/model', revision: 'c'.repeat(40) }], tasks: ['double_mc'], executor, throughput: false })
`
  test('same bytes: resumed; other bytes: recomputed, and "dataset changed" names the file with both hashes', async () => {
    const [before, after] = ['a'.repeat(64), 'b'.repeat(64)]
    const dir = makeProject({ 'executor.ts': executor, 'data.bench.ts': study })
    const created = await runVitest(dir, ['bench', '--run', '-u'], { DATA_SHA: before })
    expect(created.code, created.output).toBe(0)
    expect(JSON.parse(read(dir, 'benchmarks/__baselines__/data.json')).cases['m › double_mc'].data[0].sha256).toBe(before)

    const same = await runVitest(dir, ['bench', '--run'], { DATA_SHA: before, LMSCALE_RESUME: '1' })
    expect(same.code, same.output).toBe(0)
    expect(JSON.parse(read(dir, 'reports/results.json')).cases[0].resumed).toBe(true)
    expect(same.output).not.toContain('dataset changed')

    const changed = await runVitest(dir, ['bench', '--run'], { DATA_SHA: after, LMSCALE_RESUME: '1' })
    expect(changed.code, changed.output).toBe(0)
    const [entry] = JSON.parse(read(dir, 'reports/results.json')).cases
    expect(entry.resumed).toBe(false)
    expect(entry.record.data[0].sha256).toBe(after)
    const change = 'owner/data:test.parquet sha256 aaaaaaaaaaaa → bbbbbbbbbbbb'
    expect(changed.output).toContain(`m › double_mc: dataset changed since the stored case (${change}); recomputing the case`)
    expect(changed.output).toContain(`! m › double_mc: dataset changed: ${change}; compared statistically, not bit for bit`)
    expect(read(dir, 'reports/report.md')).toContain(`dataset changed: ${change}`)
  }, 180_000)
})

describe('revisions: unpinned ones are said loudly, and fail under strict revisions', () => {
  const executor = `
const COMMIT = 'c'.repeat(40)
export const executor = {
  tasks: { double_mc: { kind: 'multiple_choice', version: '1', chance: 0.5, metrics: { acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } } } },
  async loadModel() {
    return { hash: 'sha-double', executionProvider: 'cpu', parameters: { total: 1e6, embedding: 0, nonEmbedding: 1e6 }, identity: { files: {}, settings: {}, commit: COMMIT } }
  },
  async runCase() {
    const dataFiles = [
      { repo: 'owner/pinned', revision: 'd'.repeat(40), path: 'test.parquet', commit: 'd'.repeat(40), sha256: 'e'.repeat(64) },
      { repo: 'owner/moving', revision: 'main', path: 'test.parquet', commit: 'f'.repeat(40), sha256: 'e'.repeat(64) },
    ]
    return { metrics: { acc: { value: 0.5 } }, n: 2, taskVersion: '1', dataFiles }
  },
  release() {},
}
`
  const study = `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
import { executor } from './executor.ts'
defineStudy({ name: 'pins', models: [{ name: 'm', source: 'owner/model', revision: 'v1.0' }], tasks: ['double_mc'], executor, throughput: false })
`
  test('the console and report.md list each unpinned revision with the commit that ran; LMSCALE_STRICT_REVISIONS=1 fails the case', async () => {
    const dir = makeProject({ 'executor.ts': executor, 'pins.bench.ts': study })
    const loose = await runVitest(dir, ['bench', '--run'])
    expect(loose.code, loose.output).toBe(0)
    expect(loose.output).toContain('[lmscale] ⚠ 2 unpinned revisions')
    expect(loose.output).toContain(`⚠ model m: owner/model@v1.0 (ran ${'c'.repeat(40)})`)
    expect(loose.output).toContain(`⚠ dataset owner/moving@main:test.parquet (ran ${'f'.repeat(40)})`)
    expect(loose.output).not.toContain('owner/pinned')
    expect(read(dir, 'reports/report.md')).toContain('## ⚠ Unpinned revisions')
    const record = JSON.parse(read(dir, 'reports/results.json')).cases[0].record
    expect(record.model.commit).toBe('c'.repeat(40))
    expect(record.data.map((f: { repo: string; commit: string }) => [f.repo, f.commit])).toEqual([
      ['owner/pinned', 'd'.repeat(40)],
      ['owner/moving', 'f'.repeat(40)],
    ])

    const strict = await runVitest(dir, ['bench', '--run'], { LMSCALE_STRICT_REVISIONS: '1' })
    expect(strict.code, strict.output).toBe(1)
    expect(strict.output).toContain('m › double_mc: strict revisions (strictRevisions / LMSCALE_STRICT_REVISIONS=1) need commits')
    expect(JSON.parse(read(dir, 'reports/results.json')).cases[0].state).toBe('failed')
  }, 120_000)
})

describe('throughput, report-only and unreadable baselines, with a test double', () => {
  // The double's scorer and calibration are the same JavaScript loop.
  const executor = `
const spin = n => { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s }
const work = () => spin(200_000)
export const executor = {
  tasks: { double_mc: { kind: 'multiple_choice', version: '1', chance: 0.5, metrics: { acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } } } },
  async loadModel() { return { hash: 'sha-double', executionProvider: 'cpu', parameters: { total: 1e6, embedding: 0, nonEmbedding: 1e6 } } },
  async runCase() {
    // WORSE_ACC=1 turns the first 30 items wrong: 20 right→wrong pairs, a deterministic regression.
    const items = Array.from({ length: 50 }, (_, i) => ({ gold: 0, ll: [-1, -2 + (i % 3)], acc: i % 3 === 0 || (process.env.WORSE_ACC && i < 30) ? 0 : 1 }))
    return {
      metrics: { acc: { value: items.filter(x => x.acc).length / 50 } }, n: 50, taskVersion: '1', items: { kind: 'choice', items },
      workload: { scoring: async () => (work(), 100) },
    }
  },
  calibration: () => ({ name: 'double spin', unit: 'step', run: async () => (work(), 200_000) }),
  release() {},
}
`
  const study = `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
import { executor } from './executor.ts'
defineStudy({ name: 'double', models: [{ name: 'm', source: 'm' }], tasks: ['double_mc'], executor, throughput: { iterations: 20, warmupIterations: 2 } })
`
  let dir: string
  let baselineText: string
  const baselineFile = 'benchmarks/__baselines__/double.json'

  beforeAll(async () => {
    // A 90% tolerance: no load on a shared machine moves the scorer 10× against the calibration timed beside it,
    // and the baseline edits below move the ratio 1000×. The verdict's arithmetic is unit-tested in gate.test.ts.
    dir = makeProject({ 'executor.ts': executor, 'double.bench.ts': study }, '{ baseline: { throughputTolerance: 0.9, gateThroughput: true } }')
    const created = await runVitest(dir, ['bench', '--run', '-u'])
    expect(created.code, created.output).toBe(0)
    baselineText = read(dir, baselineFile)
  }, 120_000)

  // No timing is asserted: the baseline is edited to say the scorer was 1000× faster then (a regression), or that
  // the scorer and the calibration both were (a faster machine, not a regression).
  const editBaseline = (scale: { scoring: number; calibration: number }) => {
    const edited = JSON.parse(baselineText)
    const throughput = edited.cases['m › double_mc'].throughput
    throughput.rates.scoring.tokensPerSecond *= scale.scoring
    throughput.calibration.unitsPerSecond *= scale.calibration
    // The gate compares the scorer's rate per calibration unit, each round's log ratio.
    const paired = throughput.rates.scoring.paired
    const shift = Math.log(scale.scoring / scale.calibration)
    paired.ratio *= scale.scoring / scale.calibration
    paired.rounds = paired.rounds.map((round: number) => round + shift)
    writeFileSync(join(dir, baselineFile), JSON.stringify(edited))
  }

  test('a scorer 1000× slower than its baseline against the calibration is a throughput regression; a machine 1000× slower at everything is not', async () => {
    editBaseline({ scoring: 1000, calibration: 1 })
    const slowScorer = await runVitest(dir, ['bench', '--run'])
    expect(slowScorer.code, slowScorer.output).toBe(1)
    const failure = junitFailures(dir).get('m › double_mc › throughput scoring')!
    expect(failure.type).toBe('BaselineRegression')
    expect(failure.message).toMatch(/^m › double_mc throughput scoring: [\d.e+]+ → [\d.]+, −[\d.]+% \(calibrated\); first: wall DIFFERENT ×0\.00\d/)
    expect(junitFailures(dir).has('m › double_mc › acc')).toBe(false)

    editBaseline({ scoring: 1000, calibration: 1000 })
    const slowMachine = await runVitest(dir, ['bench', '--run'])
    expect(slowMachine.code, slowMachine.output).toBe(0)
    expect(junitFailures(dir).has('m › double_mc › throughput scoring')).toBe(false)
    writeFileSync(join(dir, baselineFile), baselineText)
  }, 120_000)

  test('LMSCALE_REPORT_ONLY=1 reports the regression without failing the run', async () => {
    const outcome = await runVitest(dir, ['bench', '--run'], { WORSE_ACC: '1', LMSCALE_REPORT_ONLY: '1' })
    expect(outcome.code, outcome.output).toBe(0)
    expect(outcome.output).toContain('✗ regression: m › double_mc acc: 0.660000 → 0.260000')
    expect(junitFailures(dir).get('m › double_mc › acc')?.type).toBe('BaselineRegression')
    const failing = await runVitest(dir, ['bench', '--run'], { WORSE_ACC: '1' })
    expect(failing.code, failing.output).toBe(1)
  }, 120_000)

  test.each([
    ['truncated', '{ "schemaVersion": 1, "study": "double", "cases": {', /baseline \S+double\.json is not valid JSON/],
    [
      'schema-mismatched',
      '{ "schemaVersion": 2, "study": "double", "updatedAt": "", "cases": {} }',
      /baseline \S+double\.json has schemaVersion 2, but this lmscale reads version 1/,
    ],
  ])(
    'a %s baseline file fails the run with a clear error and is rewritten only by -u',
    async (_, text, message) => {
      writeFileSync(join(dir, baselineFile), text)
      const plain = await runVitest(dir, ['bench', '--run'])
      expect(plain.code, plain.output).toBe(1)
      expect(plain.output).toMatch(message)
      expect(plain.output).toContain('npx vitest bench --run -u')
      expect(read(dir, baselineFile)).toBe(text)
      expect(junitFailures(dir).get('baseline benchmarks/__baselines__/double.json')?.type).toBe('BaselineError')

      const updated = await runVitest(dir, ['bench', '--run', '-u'])
      expect(updated.code, updated.output).toBe(0)
      expect(updated.output).toContain('(replacing an unreadable file)')
      expect(JSON.parse(read(dir, baselineFile)).schemaVersion).toBe(1)
    },
    120_000,
  )
})
