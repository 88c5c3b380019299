/**
 * The throughput gate end to end, in child processes as users run it, on a forged fixture model with lmscale's
 * own executor, default throughput settings and the gate turned on (LMSCALE_GATE_THROUGHPUT=1), under background load: one busy-loop process per core the
 * machine has, running for the whole test (on top of whatever else the machine runs). The baseline is created
 * under that load, three unchanged reruns pass (SAME, or UNKNOWN after the confirming re-measurement), and a
 * scorer slowed 2× (every scoring call does its work twice) fails with DIFFERENT. No timing is asserted: the
 * verdicts come from the gate with its default settings. Opt-in (LMSCALE_GATE_E2E=1): it takes minutes.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ensureFixtureModels } from '../forge/index.ts'
import { resultsSchema } from '../core/schema.ts'
import { runVitest, scratchProject, srcDir } from '../../test-support/checkout-project.ts'

const study = `
import { defineStudy } from '${join(srcDir, 'index.ts')}'
import { createDefaultExecutor } from '${join(srcDir, 'vitest', 'default-executor.ts')}'

const own = await createDefaultExecutor()
// SLOW_SCORER=1: the injected 2× delay, each scoring call doing its work twice.
const executor = {
  ...own,
  async runCase(model, task, options) {
    const run = await own.runCase(model, task, options)
    if (process.env.SLOW_SCORER !== '1') return run
    const scoring = run.workload.scoring
    return { ...run, workload: { ...run.workload, scoring: async () => (await scoring(), await scoring()) } }
  },
}

defineStudy({
  name: 'speed',
  models: [{ name: 'xs', source: process.env.MODEL_DIR }],
  tasks: ['brown_word_order'],
  limit: 40,
  executor,
})
`

let dir: string
let model: string
const busy: ChildProcess[] = []
beforeAll(async () => {
  if (process.env.LMSCALE_GATE_E2E !== '1') return
  model = (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-xs')!.path
  dir = scratchProject({ 'benchmarks/speed.bench.ts': study })
  for (let core = 0; core < availableParallelism(); core++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
}, 120_000)
afterAll(() => {
  for (const child of busy) child.kill()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

// The gate is off by default (README: "Why the throughput gate is off by default"); this test turns it on.
const gated = () => ({ MODEL_DIR: model, LMSCALE_GATE_THROUGHPUT: '1' })
const throughputRows = () =>
  readFileSync(join(dir, 'reports', 'report.md'), 'utf8')
    .split('\n')
    .filter(line => line.includes('| throughput '))
const scoringRow = () => throughputRows().find(line => line.includes('| throughput scoring |'))

test.runIf(process.env.LMSCALE_GATE_E2E === '1')(
  'unchanged reruns pass three times in a row; a scorer slowed 2× fails with DIFFERENT',
  async () => {
    const created = await runVitest(dir, ['bench', '--run', '-u'], gated())
    expect(created.code, created.output).toBe(0)
    const baseline = JSON.parse(readFileSync(join(dir, 'benchmarks/__baselines__/speed.json'), 'utf8'))
    // Every phase of the model is in the baseline, each timed in enough rounds to gate.
    const rates = baseline.cases['xs › brown_word_order'].throughput.rates as Record<string, { paired: { rounds: number[] } }>
    expect(Object.keys(rates)).toEqual(['scoring', 'prefill@128', 'prefill@512', 'prefill@1024', 'decode@128', 'decode@512', 'batchedDecode'])
    for (const rate of Object.values(rates)) expect(rate.paired.rounds.length).toBeGreaterThanOrEqual(6)

    for (let rerun = 0; rerun < 3; rerun++) {
      const unchanged = await runVitest(dir, ['bench', '--run'], gated())
      expect(unchanged.code, `rerun ${rerun + 1}:\n${throughputRows().join('\n')}\n${unchanged.output}`).toBe(0)
      expect(unchanged.output).toMatch(/baseline speed .*: \d+ comparisons, 0 regressions/)
      // Every phase was judged: none skipped as not gated or not compared.
      expect(throughputRows().filter(row => /not gated|not compared/.test(row))).toEqual([])
    }

    const slowed = await runVitest(dir, ['bench', '--run'], { ...gated(), SLOW_SCORER: '1' })
    expect(slowed.code, `${throughputRows().join('\n')}\n${slowed.output}`).toBe(1)
    const record = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'reports', 'results.json'), 'utf8'))).cases[0]!.record!
    // The first measurement was not SAME, so scoring was timed again in rounds with its calibration.
    expect(record.throughput!.confirmation!.scoring!.rounds!.length).toBeGreaterThanOrEqual(6)
    expect(scoringRow()).toMatch(/^.*first: wall DIFFERENT ×0\.\d+.*confirmed \(\d+ rounds\): wall DIFFERENT ×0\.\d+/)
    expect(scoringRow()).toContain('❌ regression')
  },
  900_000,
)
