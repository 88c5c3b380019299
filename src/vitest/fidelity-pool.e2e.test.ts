/**
 * A fidelity case holds its model and its reference, never a third: a study of four models (two scored against one
 * reference, one scored alone against another) run by `vitest run` in a scratch project, with an executor double that
 * reports how many models are loaded while each case runs and which reference it was given.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { resultsSchema, type ResultsDocument } from '../core/schema.ts'
import { runVitest, type VitestOutcome } from '../../test-support/run-vitest.ts'
import { repoRoot, studyProject } from '../../test-support/study-project.ts'

let project: string
let run: VitestOutcome
let results: ResultsDocument

const study = `
import { test } from 'vitest'
import { defineStudy } from '${join(repoRoot, 'src', 'index.ts')}'
const info = { direction: 'lower', kind: 'divergence', aggregation: 'corpus' }
let loaded = 0
const executor = {
  tasks: {
    mc: { kind: 'multiple_choice', version: '1', metrics: { loaded: info } },
    fid: { kind: 'fidelity', version: '1', metrics: { loaded: info, reference_hash: info } },
  },
  async loadModel(spec) {
    loaded += 1
    return { name: spec.name, hash: 'hash-' + spec.name, executionProvider: 'cpu', parameters: { total: 1, embedding: 0, nonEmbedding: 1 } }
  },
  async runCase(model, task, options) {
    const reference = options.reference ? Number(options.reference.model.hash === 'hash-' + options.reference.name) : -1
    return { metrics: { loaded: { value: loaded }, ...(task === 'fid' ? { reference_hash: { value: reference } } : {}) }, n: 1, taskVersion: '1' }
  },
  release() {
    loaded -= 1
  },
}
defineStudy({
  name: 'pool',
  models: [
    { name: 'q8', source: 'x', dtype: 'q8', reference: 'fp32' },
    { name: 'fp32', source: 'x' },
    { name: 'other-q4', source: 'y', dtype: 'q4', reference: 'other' },
    { name: 'q4', source: 'x', dtype: 'q4', reference: 'fp32' },
    { name: 'other', source: 'y', referenceOnly: true },
  ],
  tasks: ['mc', 'fid'],
  executor,
  throughput: false,
})
`

beforeAll(async () => {
  project = studyProject('fidelity-pool', 'pool.bench.ts', study)
  run = await runVitest(project, ['bench', '--run'], {})
  results = resultsSchema.parse(JSON.parse(readFileSync(join(project, 'reports', 'results.json'), 'utf8')))
}, 300_000)
afterAll(() => rmSync(project, { recursive: true, force: true }))

test('each model follows its reference; a fidelity case gets its reference loaded, and no case sees more than two models', () => {
  expect(run.code, run.output).toBe(0)
  // Models loaded while each case ran: fp32 stays for q8's and q4's cases and is released before other-q4's cluster.
  const cases = results.cases.map(c => [`${c.model} › ${c.task}`, c.record!.metrics.loaded!.value, c.record!.metrics.reference_hash?.value ?? null])
  expect(new Set(cases)).toEqual(
    new Set([
      ['fp32 › mc', 1, null],
      ['q8 › mc', 2, null],
      ['q8 › fid', 2, 1],
      ['q4 › mc', 2, null],
      ['q4 › fid', 2, 1],
      ['other-q4 › mc', 1, null],
      ['other-q4 › fid', 2, 1],
    ]),
  )
})
