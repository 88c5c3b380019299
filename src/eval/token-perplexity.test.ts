import { join } from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import { closedFormLogLikelihood, closedFormLogProbTable } from '../forge/bigram-model.ts'
import { ensureFixtureModels, fixtureDecoderConfig, FIXTURE_MODELS, type FixtureManifest } from '../forge/fixture-family.ts'
import { readSafetensors } from '../forge/safetensors.ts'
import { LanguageModel } from '../models/language-model.ts'
import { slidingWindowPlan } from '../scoring/windows.ts'
import { tasks } from '../tasks/registry.ts'
import { evaluateTask } from './evaluate-task.ts'

let manifest: FixtureManifest
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})

test('brown_heldout_ppl reports the closed-form token perplexity, mean NLL and bits per byte', async () => {
  const spec = FIXTURE_MODELS.find(m => m.name === 'brown-bigram-s')!
  const path = manifest.models.find(m => m.name === spec.name)!.path
  const model = await LanguageModel.fromDirectory(path)
  const result = await evaluateTask(tasks.brown_heldout_ppl, model)
  const text = await tasks.brown_heldout_ppl.loadText({} as never)
  const tokens = model.tokenizer.encode(text, { addSpecialTokens: true })
  const table = closedFormLogProbTable(fixtureDecoderConfig(spec), await readSafetensors(join(path, 'model.safetensors')))
  const nll = -closedFormLogLikelihood(table, 512, tokens)
  expect(result.n).toBe(tokens.length - 1)
  expect(Math.abs(result.metrics.nll!.value - nll / (tokens.length - 1)) / (nll / (tokens.length - 1))).toBeLessThan(1e-5)
  expect(result.metrics.perplexity!.value).toBeCloseTo(Math.exp(nll / (tokens.length - 1)), 3)
  expect(result.metrics.bits_per_byte!.value).toBeCloseTo(nll / (Buffer.byteLength(text) * Math.LN2), 6)
  // One item per 512/256 window, in stream order: its scored tokens and their closed-form NLL; together the whole text.
  const plan = slidingWindowPlan(tokens.length, { maxLength: 512, stride: 256 })
  if (result.items.kind !== 'token_perplexity') throw new Error(`items of kind ${result.items.kind}`)
  expect(result.items.items.map(w => [w.start, w.tokens])).toEqual(plan.map(w => [w.scoredStart, w.scoredEnd - w.scoredStart]))
  result.items.items.forEach((w, i) => {
    const expected = -closedFormLogLikelihood(table, 512, tokens, plan[i]!.scoredStart, plan[i]!.scoredEnd)
    expect(Math.abs(w.nll - expected) / expected).toBeLessThan(1e-5)
  })
  expect(result.items.items.reduce((sum, w) => sum + w.tokens, 0)).toBe(result.n)
  await model.release()
})

test('a window longer than the model allows is refused, naming the model and the window', async () => {
  const model = await LanguageModel.fromDirectory(manifest.models[0]!.path, { id: 'tiny', maxLength: 256 })
  await expect(evaluateTask(tasks.brown_heldout_ppl, model)).rejects.toThrow(
    /model tiny has a maximum length of 256; the sliding method needs windows of 512 tokens/,
  )
  await model.release()
})
