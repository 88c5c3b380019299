/**
 * `npm run perf:fidelity-memory`: the fidelity task's memory on MobileLLM-125M's shape (32,000-token vocabulary)
 * over 8,192 tokens in 2,048-token windows. A benchmark, not a test of speed: it prints the resident set size
 * sampled every 20 ms before and during the run and fails only if the run's growth reaches what holding one
 * window's logits of both models would take.
 */
import { expect, test } from 'vitest'
import { documentText, loadBrownCorpus } from '../src/data/brown-corpus.ts'
import { measureFidelity } from '../src/models/fidelity.ts'
import { LanguageModel } from '../src/models/language-model.ts'
import { ensurePerfModel, MOBILELLM_125M_SHAPE } from '../test-support/perf-model.ts'

const TOKENS = 8192
const WINDOW = 2048
const MB = 1024 * 1024

test('fidelity of the 125M-shaped model over 8k tokens keeps its memory bounded', async () => {
  const dir = await ensurePerfModel()
  const model = await LanguageModel.fromDirectory(dir, { id: '125M-shaped a', scoring: 'logits' })
  const reference = await LanguageModel.fromDirectory(dir, { id: '125M-shaped b', scoring: 'logits' })
  let text = ''
  for (const document of loadBrownCorpus().heldOut.map(documentText)) {
    text += `${document}\n`
    if (model.tokenizer.encode(text, { addSpecialTokens: true }).length > TOKENS) break
  }
  const tokens = model.tokenizer.encode(text, { addSpecialTokens: true }).slice(0, TOKENS)
  text = model.tokenizer.raw.decode(tokens, { skip_special_tokens: true })
  global.gc?.()
  const before = process.memoryUsage.rss()
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  const started = performance.now()
  const result = await measureFidelity(model, reference, text, { window: WINDOW })
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage.rss())
  const wholeWindowLogits = 2 * WINDOW * MOBILELLM_125M_SHAPE.vocabSize * 4
  console.log(
    `[fidelity memory] ${result.n} positions, vocabulary ${MOBILELLM_125M_SHAPE.vocabSize}, windows of ${WINDOW}, chunks of 64: ` +
      `RSS ${(before / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB during (+${((peak - before) / MB).toFixed(0)} MB); ` +
      `one window's logits of both models would be ${(wholeWindowLogits / MB).toFixed(0)} MB; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
  await model.release()
  await reference.release()
  expect(result.metrics.kl_max).toBe(0)
  expect(peak - before).toBeLessThan(wholeWindowLogits)
})
