import { beforeAll, expect, test } from 'vitest'
import { evaluateTask } from './evaluate-task.ts'
import { BIGRAM_FAMILY, ensureFixtureModels, type FixtureManifest } from '../forge/fixture-family.ts'
import { loadBrownCorpus } from '../data/brown-corpus.ts'
import { LanguageModel } from '../models/language-model.ts'
import { brownNextWord, brownWordOrder } from '../tasks/brown-tasks.ts'

let manifest: FixtureManifest
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})

test('documents come only from held-out files and are the same on every load', async () => {
  const { train } = loadBrownCorpus()
  const trainText = train.map(d => d.sentences.join(' ')).join('\n')
  for (const task of [brownNextWord, brownWordOrder]) {
    const documents = await task.loadDocuments({} as never)
    expect(documents.length).toBe(1200)
    expect(await task.loadDocuments({} as never)).toEqual(documents)
    for (const doc of documents.slice(0, 50)) expect(trainText.includes(`${doc.requests[0]!.context} `)).toBe(false)
    for (const doc of documents) expect(doc.choices).toHaveLength(4)
  }
})

/** Chance is 0.25 for both (four choices). */
const CHANCE = 0.25

test('on the forged family, accuracy rises strictly with model size on both tasks, and the largest model beats chance by more than 10 points', async () => {
  const gains: number[] = []
  for (const [task, metric] of [
    [brownNextWord, 'acc_norm'],
    [brownWordOrder, 'acc'],
  ] as const) {
    const accuracies: number[] = []
    for (const spec of BIGRAM_FAMILY) {
      const model = await LanguageModel.fromDirectory(manifest.models.find(m => m.name === spec.name)!.path, { batchSize: 32 })
      const result = await evaluateTask(task, model)
      accuracies.push((result.metrics as Record<string, { value: number }>)[metric]!.value)
      await model.release()
    }
    for (let i = 1; i < accuracies.length; i++) expect(accuracies[i], `${task.name} ${metric} of model ${i}`).toBeGreaterThan(accuracies[i - 1]!)
    gains.push(accuracies.at(-1)! - CHANCE)
  }
  // Word order is the stronger task (about +30 points); the next word gains about 9 points (see README).
  expect(Math.max(...gains)).toBeGreaterThan(0.1)
  expect(gains.reduce((a, b) => a + b, 0) / gains.length).toBeGreaterThan(0.1)
}, 1_800_000) // a hang guard: about 2 min on an idle 2-core machine, over 10 min when it is shared
