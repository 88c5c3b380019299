/**
 * Bad input end to end, in child processes (`vitest bench --run`, as users run it): each bad input must fail with
 * a message naming the file, field, option or path, and the good study beside it must keep its results. The
 * test double's metrics are closed forms (acc = 0.5 + 0.125 × the model's number), checked here independently.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { resultsSchema, type ResultsDocument } from '../core/schema.ts'
import { runVitest, scratchProject, srcDir, startVitest } from '../../test-support/checkout-project.ts'

const executor = `
import { appendFileSync } from 'node:fs'
const ACC = { direction: 'higher', kind: 'accuracy', aggregation: 'mean' }
export const executor = {
  tasks: {
    t_mc: { kind: 'multiple_choice', version: '1', chance: 0.5, metrics: { acc: ACC } },
    t_ppl: { kind: 'loglikelihood_rolling', version: '1', metrics: { word_perplexity: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'word' } } },
  },
  async loadModel(spec) { return { number: Number(spec.name.slice(1)), hash: 'sha-' + spec.name, executionProvider: 'cpu', parameters: { total: 1e6, embedding: 0, nonEmbedding: 1e6 } } },
  async runCase(model, task, options) {
    appendFileSync('calls.log', 'run m' + model.number + ' ' + task + '\\n')
    if (process.env.WARN_TASK === task) options.onWarning('lmscale: task ' + task + ': 1 of 8 documents have whitespace-only text (documents 3); they are scored, but check the dataset')
    const metrics = task === 't_mc' ? { acc: { value: 0.5 + 0.125 * model.number } } : { word_perplexity: { value: 10 * model.number } }
    return { metrics, n: 8, taskVersion: '1', items: { kind: 'other', items: [model.number] } }
  },
  release() {},
}
`
const study = (name: string, extra = '', models = `[{ name: 'm1', source: 'm1' }, { name: 'm2', source: 'm2' }]`) => `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
import { executor } from './executor.ts'
defineStudy({ name: '${name}', models: ${models}, tasks: ['t_mc', 't_ppl'], executor, throughput: false, ${extra} })
`
const good = { 'benchmarks/executor.ts': executor, 'benchmarks/good.bench.ts': study('good') }
/** The closed forms, per case. */
const expected = { 'm1 › t_mc': 0.625, 'm1 › t_ppl': 10, 'm2 › t_mc': 0.75, 'm2 › t_ppl': 20 }

const projects: string[] = []
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true })
})
function project(files: Record<string, string>): string {
  const dir = scratchProject({ ...good, ...files })
  projects.push(dir)
  return dir
}

const readResults = (dir: string): ResultsDocument => resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'reports', 'results.json'), 'utf8')))
/** metric value per case of a study, from results.json. */
function studyValues(doc: ResultsDocument, name: string): Record<string, number | undefined> {
  return Object.fromEntries(
    doc.cases.filter(c => c.study === name).map(c => [c.name, c.record?.metrics.acc?.value ?? c.record?.metrics.word_perplexity?.value]),
  )
}
const calls = (dir: string) => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : [])
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(f => !f.startsWith('node_modules'))
}

describe('bad input: study definitions are refused at collection, naming the file and field; the good study keeps its results', () => {
  // Each file defines one bad study; `message` is what its error must say.
  const bad: Record<string, { source: string; message: string }> = {
    'threads.bench.ts': {
      source: study('threads', 'threads: -3'),
      message: 'defineStudy("threads"): invalid study\n  threads: Too small: expected number to be >0 (got -3)',
    },
    'limit.bench.ts': { source: study('limit', 'limit: 0'), message: 'limit: Too small: expected number to be >0 (got 0)' },
    'dtype.bench.ts': {
      source: study('dtype', "dtype: 'int4'"),
      message: 'dtype: Invalid option: expected one of "fp32"|"fp16"|"q8"|"q4"|"q4f16" (got "int4")',
    },
    'device.bench.ts': { source: study('device', "device: 'gpu'"), message: 'device: Invalid option: expected one of "cpu"|"cuda" (got "gpu")' },
    'misspelled.bench.ts': {
      source: study('misspelled', 'thread: 2'),
      message: 'defineStudy("misspelled"): invalid study\n  (study): Unrecognized key: "thread"',
    },
    'timeout.bench.ts': { source: study('timeout', 'timeout: -1'), message: 'timeout: Too small: expected number to be >=0 (got -1)' },
    'iterations.bench.ts': { source: study('iterations', 'throughput: { iterations: 2.5 }'), message: 'throughput' },
    'no-models.bench.ts': { source: study('no-models', '', '[]'), message: 'models: is empty; list at least one model (got [])' },
    'no-source.bench.ts': {
      source: study('no-source', '', "[{ name: 'm1', source: '' }]"),
      message: 'models.0.source: must name a local directory or a hub id (got "")',
    },
    'band-order.bench.ts': {
      source: study('band-order', "bands: { '*': { t_mc: { acc: { min: 0.9, max: 0.1 } } } }"),
      message: 'bands.*.t_mc.acc: min 0.9 is greater than max 0.1; no value could pass',
    },
    'band-nan.bench.ts': {
      source: study('band-nan', 'bands: { m1: { t_mc: { acc: { min: Number.NaN } } } }'),
      message: 'bands.m1.t_mc.acc: {"min":NaN} is not a band',
    },
    'band-metric.bench.ts': {
      source: study('band-metric', "bands: { '*': { t_ppl: { acc: { min: 0.5 } } } }"),
      message: 'bands.*.t_ppl.acc: task t_ppl has no metric "acc" (it reports word_perplexity)',
    },
    'band-model.bench.ts': {
      source: study('band-model', 'bands: { m3: { t_mc: { acc: { min: 0.5 } } } }'),
      message: 'bands.m3: names model "m3", which is not in `models` (m1, m2)',
    },
    // No executor: checked against lmscale's own tasks, without running anything.
    'unknown-task.bench.ts': {
      source: `import { defineStudy } from '${join(srcDir, 'index.ts')}'\ndefineStudy({ name: 'unknown-task', models: [{ name: 'm1', source: 'm1' }], tasks: ['arc_easyy'] } as never)\n`,
      message: 'defineStudy("unknown-task"): invalid study\n  tasks.0: unknown task "arc_easyy"; known: arc_easy,',
    },
    'empty-name.bench.ts': { source: study(' '), message: 'defineStudy(): invalid study\n  name: must be a non-empty name (got " ")' },
    'special-token.bench.ts': {
      source: study('special-token', '', "[{ name: 'm1', source: 'm1', specialTokens: { bos: '' } }]"),
      message: 'models.0.specialTokens.bos: must be a non-empty name (got "")',
    },
    'model-twice.bench.ts': {
      source: study('model-twice', '', "[{ name: 'm1', source: 'a' }, { name: 'm1', source: 'b' }]"),
      message: 'models.1.name: model name "m1" appears twice',
    },
    'not-an-executor.bench.ts': {
      source: `import { defineStudy } from '${join(srcDir, 'index.ts')}'\ndefineStudy({ name: 'not-an-executor', models: [{ name: 'm1', source: 'm1' }], tasks: ['t'], executor: { tasks: { t: {} } } } as never)\n`,
      message: 'executor: must be a case executor: tasks, loadModel, runCase and release',
    },
    'twice.bench.ts': {
      source: `${study('twice')}\n${study('twice').split('\n').slice(3).join('\n')}`,
      message: 'study "twice" is defined twice in benchmarks/twice.bench.ts',
    },
  }
  let dir: string
  let outcome: { code: number | null; output: string }

  test('one run with every bad file beside the good one', async () => {
    dir = project({
      ...Object.fromEntries(Object.entries(bad).map(([file, { source }]) => [`benchmarks/${file}`, source])),
      'benchmarks/dup-a.bench.ts': study('dup'),
      'benchmarks/dup-b.bench.ts': study('dup'),
    })
    outcome = await runVitest(dir, ['bench', '--run'])
    expect(outcome.code, outcome.output).toBe(1)
    expect(studyValues(readResults(dir), 'good')).toEqual(expected)
    expect(
      readResults(dir)
        .cases.filter(c => c.study === 'good')
        .every(c => c.state === 'passed'),
    ).toBe(true)
  }, 240_000)

  test.each(Object.entries(bad))('bad input: %s', file => {
    // Vitest 5 names the project before the file (`FAIL  |bench| benchmarks/…`), Vitest 4.1 does not.
    expect(outcome.output).toMatch(new RegExp(`FAIL {2}(\\|bench\\| )?benchmarks/${file.replaceAll('.', '\\.')}`))
    expect(outcome.output).toContain(bad[file]!.message)
  })

  test('bad input: two files defining the same study: the second is refused naming both files, the first keeps its results', () => {
    const message =
      /study "dup" is defined in both benchmarks\/dup-(a|b)\.bench\.ts and benchmarks\/dup-(a|b)\.bench\.ts; their case files and baseline entries would overwrite each other/
    const [, first, second] = message.exec(outcome.output) ?? []
    expect(first).toBeDefined()
    expect(second).not.toBe(first)
    const dup = readResults(dir).cases.filter(c => c.study === 'dup')
    expect(new Set(dup.map(c => c.file))).toEqual(new Set([`benchmarks/dup-${first}.bench.ts`]))
    expect(studyValues(readResults(dir), 'dup')).toEqual(expected)
  })
})

describe('bad input: -u and --update', () => {
  test('bad input: `-u <file>` (Vitest takes the file for the kind of update) is refused with the fix, and no baseline is written', async () => {
    const dir = project({ 'benchmarks/other.bench.ts': study('other') })
    const refused = await runVitest(dir, ['bench', '--run', '-u', 'benchmarks/good.bench.ts'])
    expect(refused.code, refused.output).not.toBe(0)
    expect(refused.output).toContain(
      'lmscale: invalid command line\n  -u benchmarks/good.bench.ts: Vitest reads the word after -u as the kind of update, so "benchmarks/good.bench.ts" is not used as a file filter',
    )
    expect(refused.output).toContain('npx vitest bench --run benchmarks/good.bench.ts -u')
    expect(existsSync(join(dir, 'benchmarks', '__baselines__'))).toBe(false)

    const updated = await runVitest(dir, ['bench', '--run', 'benchmarks/good.bench.ts', '--update=true'])
    expect(updated.code, updated.output).toBe(0)
    expect(readdirSync(join(dir, 'benchmarks', '__baselines__'))).toEqual(['good.json'])
  }, 240_000)
})

describe('bad input: reports that cannot be written lose no computed metric', () => {
  test('bad input: the reports directory is a file: every path is named, the metrics reach the console, no .tmp file is left', async () => {
    const dir = project({ reports: 'not a directory\n' })
    const outcome = await runVitest(dir, ['bench', '--run'])
    expect(outcome.code, outcome.output).toBe(1)
    expect(outcome.output).toContain(`lmscale: m1 › t_mc: cannot write ${join(dir, 'reports', 'cases', 'good', 'm1', 't_mc.json')}: ENOTDIR`)
    // Node says EEXIST when mkdir meets a file.
    expect(outcome.output).toContain(`[lmscale] the reports are incomplete: cannot write ${join(dir, 'reports', 'results.json')}: EEXIST`)
    for (const [name, value] of Object.entries(expected))
      expect(outcome.output).toContain(`  good: ${name}: ${name.endsWith('t_mc') ? 'acc' : 'word_perplexity'} = ${value}`)
    expect(outcome.output).not.toContain('FAIL') // the cases themselves pass: their numbers are good
    expect(outcome.output).not.toMatch(/Unhandled/i)
    expect(filesUnder(dir).filter(f => f.endsWith('.tmp'))).toEqual([])
  }, 240_000)

  test('bad input: a read-only reports directory (EROFS): every path is named, the metrics reach the console, nothing is written', async () => {
    const dir = project({ 'reports/kept.txt': 'from before\n' })
    const reports = join(dir, 'reports')
    // Root ignores chmod, so the read-only file system is simulated where Node writes (test-support/read-only-directory.mjs).
    const preload = join(srcDir, '..', 'test-support', 'read-only-directory.mjs')
    const outcome = await runVitest(dir, ['bench', '--run'], { NODE_OPTIONS: `--import=${preload}`, LMSCALE_TEST_READ_ONLY_DIR: reports })
    expect(outcome.code, outcome.output).toBe(1)
    expect(outcome.output).toContain(`lmscale: m1 › t_mc: cannot write ${join(reports, 'cases', 'good', 'm1', 't_mc.json')}: EROFS: read-only file system`)
    expect(outcome.output).toContain('its metrics still go to the reports, but LMSCALE_RESUME=1 cannot reuse this case')
    expect(outcome.output).toContain(`[lmscale] the reports are incomplete: cannot write ${join(reports, 'results.json')}: EROFS: read-only file system`)
    for (const [name, value] of Object.entries(expected))
      expect(outcome.output).toContain(`  good: ${name}: ${name.endsWith('t_mc') ? 'acc' : 'word_perplexity'} = ${value}`)
    expect(outcome.output).not.toContain('FAIL') // the cases themselves pass: their numbers are good
    expect(outcome.output).not.toMatch(/Unhandled/i)
    expect(readdirSync(reports)).toEqual(['kept.txt'])
  }, 240_000)

  test('bad input: a full disk under the step summary (ENOSPC) names the path; the other reports are written', async () => {
    const dir = project({})
    const outcome = await runVitest(dir, ['bench', '--run'], { GITHUB_STEP_SUMMARY: '/dev/full' })
    expect(outcome.code, outcome.output).toBe(1)
    expect(outcome.output).toContain(
      '[lmscale] the reports are incomplete: cannot append report.md to the step summary /dev/full (GITHUB_STEP_SUMMARY): ENOSPC',
    )
    expect(outcome.output).toContain('  good: m2 › t_mc: acc = 0.75')
    expect(studyValues(readResults(dir), 'good')).toEqual(expected)
  }, 240_000)
})

describe('nothing computed is lost', () => {
  let dir: string

  test('SIGKILL while the reporter writes, then LMSCALE_RESUME=1: every finished case is kept and none is recomputed', async () => {
    dir = project({})
    // The step summary is a FIFO nobody reads: the reporter blocks in the middle of writing the reports.
    const fifo = join(dir, 'summary.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const first = startVitest(dir, ['bench', '--run'], { GITHUB_STEP_SUMMARY: fifo })
    let exited = false
    void first.done.then(() => (exited = true))
    const deadline = Date.now() + 120_000
    while (!exited && !existsSync(join(dir, 'reports', 'report.md')) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
    expect(exited, 'the run ended before it could be killed').toBe(false)
    process.kill(-first.child.pid!, 'SIGKILL')
    await first.done
    expect(calls(dir)).toHaveLength(4)

    const resumed = await runVitest(dir, ['bench', '--run'], { LMSCALE_RESUME: '1' })
    expect(resumed.code, resumed.output).toBe(0)
    expect(calls(dir)).toHaveLength(4)
    const doc = readResults(dir)
    expect(doc.cases.every(c => c.resumed)).toBe(true)
    expect(studyValues(doc, 'good')).toEqual(expected)
  }, 240_000)

  test('bad input: a truncated case file and one from an older lmscale (schema v1) are named, set aside and recomputed', async () => {
    const truncated = join(dir, 'reports', 'cases', 'good', 'm1', 't_mc.json')
    const older = join(dir, 'reports', 'cases', 'good', 'm2', 't_ppl.json')
    writeFileSync(truncated, readFileSync(truncated, 'utf8').slice(0, 100))
    writeFileSync(older, JSON.stringify({ ...JSON.parse(readFileSync(older, 'utf8')), schemaVersion: 1 }))
    const outcome = await runVitest(dir, ['bench', '--run'], { LMSCALE_RESUME: '1' })
    expect(outcome.code, outcome.output).toBe(0)
    expect(outcome.output).toContain(`lmscale: the stored case ${truncated} is not valid JSON (`)
    expect(outcome.output).toContain(
      `lmscale: the stored case ${older} has schemaVersion 1, but this lmscale writes version 2; moved it to ${older}.set-aside-`,
    )
    expect(calls(dir).slice(4).sort()).toEqual(['run m1 t_mc', 'run m2 t_ppl'])
    const doc = readResults(dir)
    expect(
      doc.cases
        .filter(c => !c.resumed)
        .map(c => c.name)
        .sort(),
    ).toEqual(['m1 › t_mc', 'm2 › t_ppl'])
    expect(studyValues(doc, 'good')).toEqual(expected)
    expect(readdirSync(join(dir, 'reports', 'cases', 'good', 'm1')).filter(f => f.includes('.set-aside-'))).toHaveLength(1)
    // The notices are part of the record (results.json is schema-checked by readResults), and of report.md.
    const warnings = (name: string) => doc.cases.find(c => c.name === name)!.record!.warnings
    expect(warnings('m1 › t_mc')).toEqual([expect.stringMatching(`^lmscale: the stored case ${truncated} is not valid JSON \\(`)])
    expect(warnings('m2 › t_ppl')).toEqual([expect.stringContaining(`the stored case ${older} has schemaVersion 1`)])
    expect(warnings('m1 › t_ppl')).toBeUndefined()
    const report = readFileSync(join(dir, 'reports', 'report.md'), 'utf8')
    expect(report).toContain('## ⚠ Warnings (2 cases)')
    expect(report).toContain(`- m1 › t_mc: lmscale: the stored case ${truncated} is not valid JSON (`)
  }, 240_000)

  test("an executor's warnings (e.g. whitespace-only documents) are printed and recorded with the case", async () => {
    const outcome = await runVitest(dir, ['bench', '--run'], { WARN_TASK: 't_ppl' })
    expect(outcome.code, outcome.output).toBe(0)
    const warning = 'lmscale: task t_ppl: 1 of 8 documents have whitespace-only text (documents 3); they are scored, but check the dataset'
    expect(outcome.output).toContain(warning)
    const doc = readResults(dir)
    expect(doc.cases.filter(c => c.record?.warnings).map(c => [c.name, c.record!.warnings])).toEqual([
      ['m1 › t_ppl', [warning]],
      ['m2 › t_ppl', [warning]],
    ])
  }, 240_000)
})
