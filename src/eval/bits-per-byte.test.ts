/**
 * Bits per byte is the unit in which models with different tokenizers compare. For every bigram fixture of
 * both families (512- and 384-token vocabularies), brown_heldout_ppl's bits_per_byte through LanguageModel
 * equals the closed form from the weights alone: −Σ log₂ P(token | previous) over the text's UTF-8 bytes. The text
 * is the task's first 20,000 characters (dozens of 512-token windows), so the check stays cheap enough for every CI run.
 */
import { beforeAll, expect, test } from 'vitest'
import { evaluateTask } from './evaluate-task.ts'
import { ensureFixtureModels, type FixtureManifest } from '../forge/fixture-family.ts'
import { LanguageModel } from '../models/language-model.ts'
import { brownHeldOutPerplexity } from '../tasks/token-perplexity-tasks.ts'
import { BIGRAM_FIXTURES } from '../../test-support/bigram-fixtures.ts'
import { closedFormHeldOutPerplexity } from '../../test-support/closed-form-perplexity.ts'

let manifest: FixtureManifest
let text: string
beforeAll(async () => {
  manifest = await ensureFixtureModels()
  text = (await brownHeldOutPerplexity.loadText({} as never)).slice(0, 20_000)
})

test.each(BIGRAM_FIXTURES.map(f => [f.name, f.family] as const))('%s (%s): bits_per_byte equals the closed form within 1e-6 relative', async name => {
  const path = manifest.models.find(m => m.name === name)!.path
  const model = await LanguageModel.fromDirectory(path, { id: name, batchSize: 16 })
  const result = await evaluateTask({ ...brownHeldOutPerplexity, loadText: async () => text }, model)
  await model.release()
  const expected = await closedFormHeldOutPerplexity(path, name, text)
  const measured = (result.metrics as Record<string, { value: number }>).bits_per_byte!.value
  const relative = Math.abs(measured - expected.bitsPerByte) / expected.bitsPerByte
  console.log(`${name}: bits_per_byte ${measured.toFixed(6)}, closed form ${expected.bitsPerByte.toFixed(6)}, relative difference ${relative.toExponential(2)}`)
  expect(relative).toBeLessThan(1e-6)
})
