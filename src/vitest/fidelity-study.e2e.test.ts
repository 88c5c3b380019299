/**
 * Fidelity as a study task, end to end through `vitest bench --run` in a scratch project: brown-bigram-s's q8 and q4
 * exports each declare its fp32 export as their reference. The records name the reference with its files' sha256,
 * a band the q4 export misses fails its case with a message naming both models and the metric, and a resumed run
 * reuses the cases only while the reference is the same.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { resultsSchema, type ResultsDocument } from '../core/schema.ts'
import { defaultFixturesDir, ensureFixtureModels } from '../forge/fixture-family.ts'
import { fileSha256 } from '../hub/file-sha256.ts'
import { measureFidelity } from '../models/fidelity.ts'
import { LanguageModel } from '../models/language-model.ts'
import { brownHeldOutFidelity } from '../tasks/fidelity-tasks.ts'
import { runVitest, type VitestOutcome } from '../../test-support/run-vitest.ts'
import { repoRoot, studyProject } from '../../test-support/study-project.ts'

const WINDOWS = 2
let project: string
let run: VitestOutcome
let results: ResultsDocument

const study = `
import { defineStudy } from '${join(repoRoot, 'src', 'index.ts')}'
const source = 'lmscale-fixture:brown-bigram-s'
defineStudy({
  name: 'fidelity-e2e',
  models: [
    { name: 'q8', source, dtype: 'q8', reference: 'fp32' },
    { name: 'fp32', source },
    { name: 'q4', source, dtype: 'q4', reference: 'fp32' },
  ],
  tasks: ['brown_heldout_fidelity'],
  limit: ${WINDOWS},
  bands: { '*': { brown_heldout_fidelity: { kl_mean: { max: 0.01 }, top1_agreement: { min: 0.7 } } } },
  throughput: false,
})
`

const cases = () => new Map(results.cases.map(c => [c.model, c]))
const readResults = () => resultsSchema.parse(JSON.parse(readFileSync(join(project, 'reports', 'results.json'), 'utf8')))

beforeAll(async () => {
  project = studyProject('fidelity', 'fidelity.bench.ts', study)
  run = await runVitest(project, ['bench', '--run'], { LMSCALE_FIXTURES_DIR: defaultFixturesDir() })
  results = readResults()
}, 600_000)
afterAll(() => rmSync(project, { recursive: true, force: true }))

test('fidelity cases run for the models that declare a reference, and their records name it with its identity', async () => {
  expect([...cases().keys()].sort()).toEqual(['q4', 'q8'])
  const fixture = (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-s')!
  for (const c of results.cases) {
    const reference = c.record!.options.reference!
    expect(reference.name).toBe('fp32')
    expect(reference.files!['onnx/model.onnx']).toBe(await fileSha256(join(fixture.path, 'onnx', 'model.onnx')))
    expect(reference.hash).not.toBe(c.record!.model.hash)
    expect(c.record!.task.kind).toBe('fidelity')
  }
})

test('the recorded metrics are the fidelity measure of the same windows, and q8 drifts less than q4', async () => {
  const fixture = (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-s')!
  const [q8, fp32] = await Promise.all([
    LanguageModel.fromDirectory(fixture.path, { id: 'q8', dtype: 'q8' }),
    LanguageModel.fromDirectory(fixture.path, { id: 'fp32' }),
  ])
  try {
    const text = await brownHeldOutFidelity.loadText({} as never)
    const direct = await measureFidelity(q8, fp32, text, { ...brownHeldOutFidelity.options, windows: WINDOWS })
    const recorded = cases().get('q8')!.record!
    expect(recorded.n).toBe(direct.n)
    expect(recorded.metrics.kl_mean).toEqual({ value: direct.metrics.kl_mean, stderr: direct.metrics.kl_mean_se })
    expect(recorded.metrics.ppl_ratio_high!.value).toBe(direct.metrics.ppl_ratio_high)
  } finally {
    await Promise.all([q8.release(), fp32.release()])
  }
  expect(cases().get('q8')!.record!.metrics.kl_mean!.value).toBeLessThan(cases().get('q4')!.record!.metrics.kl_mean!.value)
})

test('a band the q4 export misses fails its case, naming both models and the metric', () => {
  expect(run.code).not.toBe(0)
  expect(cases().get('q8')!.state).toBe('passed')
  expect(cases().get('q4')!.state).toBe('failed')
  const kl = cases().get('q4')!.record!.metrics.kl_mean!.value
  expect(kl).toBeGreaterThan(0.01)
  expect(run.output).toContain(`q4 › brown_heldout_fidelity against fp32 kl_mean: expected ${kl} to be within band ≤ 0.01`)
})

test('a resumed run reuses the cases; a different reference recomputes them', async () => {
  const resumed = await runVitest(project, ['bench', '--run'], { LMSCALE_FIXTURES_DIR: defaultFixturesDir(), LMSCALE_RESUME: '1' })
  expect(resumed.code).not.toBe(0)
  expect(readResults().cases.map(c => c.resumed)).toEqual([true, true])
  writeFileSync(join(project, 'studies', 'fidelity.bench.ts'), study.replace("{ name: 'fp32', source }", "{ name: 'fp32', source, dtype: 'fp16' }"))
  await runVitest(project, ['bench', '--run'], { LMSCALE_FIXTURES_DIR: defaultFixturesDir(), LMSCALE_RESUME: '1' })
  const changed = readResults()
  expect(changed.cases.map(c => c.resumed)).toEqual([false, false])
  expect(changed.cases.map(c => c.record!.options.reference!.files!['onnx/model_fp16.onnx'])).toEqual([expect.any(String), expect.any(String)])
}, 600_000)
