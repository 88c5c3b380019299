/**
 * What the default study's report says about brown-bigram-s → brown-bigram-m on brown_word_order: 0/1 accuracy
 * is flat (its paired interval includes zero) while the continuous scores rise (their intervals exclude it). The real
 * models score the first 600 items; the items are digested and rendered as a run does.
 */
import { beforeAll, expect, test } from 'vitest'
import { digestItems } from '../baseline/item-digest.ts'
import type { CaseEntry, ResultsDocument } from '../core/schema.ts'
import { evaluateTask } from '../eval/evaluate-task.ts'
import { ensureFixtureModels, type FixtureManifest } from '../forge/fixture-family.ts'
import { LanguageModel } from '../models/language-model.ts'
import { pairedSection } from '../report/paired-section.ts'
import { tasks } from '../tasks/registry.ts'
import { taskInfo } from '../tasks/task-types.ts'

let manifest: FixtureManifest
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})

async function entry(model: string): Promise<CaseEntry> {
  const task = tasks.brown_word_order
  const scorer = await LanguageModel.fromDirectory(manifest.models.find(m => m.name === model)!.path, { id: model })
  const result = await evaluateTask(task, scorer, { limit: 600 }).finally(() => scorer.release())
  const info = taskInfo(task)
  return {
    study: 'fixtures',
    model,
    task: task.name,
    name: `${model} › ${task.name}`,
    record: { task: { name: task.name, version: task.version, kind: info.kind, chance: info.chance, metrics: info.metrics }, metrics: result.metrics },
    items: digestItems(result.items, info.metrics),
  } as unknown as CaseEntry
}

test('brown-bigram-s → m on brown_word_order: accuracy flat, gold_prob, gold_margin and gold_ll_per_token rising, with intervals', async () => {
  const doc = {
    schemaVersion: 2,
    generatedAt: '',
    vitest: { version: '4', mode: 'benchmark' },
    cases: [await entry('brown-bigram-s'), await entry('brown-bigram-m')],
  }
  const section = pairedSection(doc as ResultsDocument)!
  const step = (metric: string) =>
    section
      .split('\n')
      .filter(line => line.startsWith(`| ${metric} | `))
      .at(-1)!
  // A cell: difference [interval] (MDE), ✔ when the interval excludes zero.
  const cell = /^\| \S+ \| ([+−±][\d.]+) \[([+−±][\d.]+), ([+−±][\d.]+)\] \(±[\d.]+\)( ✔)? \|$/
  const number = (text: string) => Number(text.replace('−', '-').replace('±', ''))
  const [, , accLow, accHigh, accClear] = step('acc').match(cell)!
  expect(number(accLow!), step('acc')).toBeLessThan(0)
  expect(number(accHigh!), step('acc')).toBeGreaterThan(0)
  expect(accClear).toBeUndefined()
  for (const metric of ['gold_prob', 'gold_margin', 'gold_ll_per_token']) {
    const [, difference, low, , clear] = step(metric).match(cell)!
    expect(number(difference!), step(metric)).toBeGreaterThan(0)
    expect(number(low!), step(metric)).toBeGreaterThan(0)
    expect(clear).toBe(' ✔')
  }
}, 300_000)
