/**
 * The gate end to end in child processes (`vitest bench --run`, as users run it): a forged fixture model and a
 * copy with one weight tensor scaled for quality, a test-double executor with slow-down switches for throughput
 * and for unreadable baseline files.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureFixtureModels, fixtureDecoderConfig, FIXTURE_MODELS, forgeDecoder, readSafetensors, SPECIAL_TOKENS } from '../forge/index.ts'
import { resultsSchema } from '../core/schema.ts'

const srcDir = fileURLToPath(new URL('..', import.meta.url))
const vitestDir = dirname(createRequire(import.meta.url).resolve('vitest/package.json'))
const vitestBin = join(vitestDir, 'vitest.mjs')
const nodeModules = dirname(vitestDir)

const projects: string[] = []
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true })
})

function makeProject(files: Record<string, string>, pluginOptions = '{}'): string {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-baseline-e2e-'))
  projects.push(dir)
  mkdirSync(join(dir, 'benchmarks'))
  symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), '{ "name": "scratch-baseline", "private": true, "type": "module" }\n')
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config'\nimport { lmscale } from '${join(srcDir, 'vitest', 'plugin.ts')}'\nexport default defineConfig({ plugins: [lmscale(${pluginOptions})] })\n`,
  )
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'benchmarks', name), text)
  return dir
}

interface Outcome {
  readonly code: number | null
  readonly output: string
}

function runVitest(dir: string, args: string[], extra: Record<string, string> = {}): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && !key.startsWith('LMSCALE_') && key !== 'NODE_ENV' && key !== 'TEST' && key !== 'GITHUB_STEP_SUMMARY') env[key] = value
  }
  const child = spawn(process.execPath, [vitestBin, ...args], {
    cwd: dir,
    env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  return new Promise(resolve => child.on('close', code => resolve({ code, output })))
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
    expect(unchanged.output).toMatch(/baseline perturb \(benchmarks\/__baselines__\/perturb\.json, exact\): 4 comparisons, 0 regressions/)
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
  }, 240_000)
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
  // The double's scorer and calibration are the same JavaScript loop; SLOW_SCORER and SLOW_CALIBRATION repeat it.
  const executor = `
const spin = n => { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s }
const work = factor => { for (let k = 0; k < Number(factor ?? 1); k++) spin(200_000) }
export const executor = {
  tasks: { double_mc: { kind: 'multiple_choice', version: '1', chance: 0.5, metrics: { acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } } } },
  async loadModel() { return { hash: 'sha-double', executionProvider: 'cpu', parameters: { total: 1e6, embedding: 0, nonEmbedding: 1e6 } } },
  async runCase() {
    // WORSE_ACC=1 turns the first 30 items wrong: 20 right→wrong pairs, a deterministic regression.
    const items = Array.from({ length: 50 }, (_, i) => ({ gold: 0, ll: [-1, -2 + (i % 3)], acc: i % 3 === 0 || (process.env.WORSE_ACC && i < 30) ? 0 : 1 }))
    return {
      metrics: { acc: { value: items.filter(x => x.acc).length / 50 } }, n: 50, taskVersion: '1', items: { kind: 'choice', items },
      workload: { scoring: async () => (work(process.env.SLOW_SCORER), 100) },
    }
  },
  calibration: () => ({ name: 'double spin', unit: 'step', run: async () => (work(process.env.SLOW_CALIBRATION), 200_000) }),
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
    // 25% slack for a shared 2-core machine: the 4× slow-down is far outside it either way.
    dir = makeProject({ 'executor.ts': executor, 'double.bench.ts': study }, '{ baseline: { throughputTolerance: 0.25 } }')
    const created = await runVitest(dir, ['bench', '--run', '-u'])
    expect(created.code, created.output).toBe(0)
    baselineText = read(dir, baselineFile)
  }, 120_000)

  test('a 4× slower scorer is a throughput regression; a machine 4× slower at everything is not', async () => {
    const slowScorer = await runVitest(dir, ['bench', '--run'], { SLOW_SCORER: '4' })
    expect(slowScorer.code, slowScorer.output).toBe(1)
    const failure = junitFailures(dir).get('m › double_mc › throughput scoring')!
    expect(failure.type).toBe('BaselineRegression')
    expect(failure.message).toMatch(/^m › double_mc throughput scoring: [\d.]+ → [\d.]+, −[\d.]+% \(calibrated\); calibrated ×0\.[0-4]\d*/)
    expect(junitFailures(dir).has('m › double_mc › acc')).toBe(false)

    const slowMachine = await runVitest(dir, ['bench', '--run'], { SLOW_SCORER: '4', SLOW_CALIBRATION: '4' })
    expect(slowMachine.code, slowMachine.output).toBe(0)
    const results = resultsSchema.parse(JSON.parse(read(dir, 'reports/results.json')))
    const baseline = JSON.parse(baselineText).cases['m › double_mc'].throughput
    // Raw rates fell about 4× against the baseline, the calibrated ratio did not.
    expect(results.cases[0]!.record!.throughput!.scoring!.tokensPerSecond).toBeLessThan(baseline.rates.scoring.tokensPerSecond / 2)
    expect(results.cases[0]!.record!.calibration!.unitsPerSecond).toBeLessThan(baseline.calibration.unitsPerSecond / 2)
    expect(read(dir, baselineFile)).toBe(baselineText)
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
