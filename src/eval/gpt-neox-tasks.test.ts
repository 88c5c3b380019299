/** lm-eval tasks of both request kinds on a GPT-NeoX fixture, checked against its closed-form bigram log-likelihoods. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { closedFormLogLikelihood } from '../forge/bigram-model.ts'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { dataOptionsFromEnv } from '../hub/hub-options.ts'
import { LanguageModel } from '../models/language-model.ts'
import { brownNextWord } from '../tasks/brown-tasks.ts'
import { wikitext } from '../tasks/wikitext.ts'
import { bigramFixture, closedFormTableOf } from '../../test-support/bigram-fixtures.ts'
import { writeFixtureDatasets } from '../../test-support/write-fixtures.ts'
import { evaluateTask } from './evaluate-task.ts'

describe('tasks on a GPT-NeoX model (brown-neox-m) against the closed form', () => {
  let model: LanguageModel
  let table: Float64Array
  let V: number
  beforeAll(async () => {
    const path = (await ensureFixtureModels()).models.find(m => m.name === 'brown-neox-m')!.path
    const closedForm = bigramFixture('brown-neox-m')
    model = await LanguageModel.fromDirectory(path, { id: 'brown-neox-m', batchSize: 16 })
    table = await closedFormTableOf(closedForm, path)
    V = closedForm.vocabSize
  })
  afterAll(() => model.release())
  /** Σ log P over `tokens` from index `from`, the first token predicted from the prefix token when `from` is 0. */
  const closedForm = (tokens: readonly number[], from: number) =>
    (from === 0 ? table[model.specialTokens.prefix * V + tokens[0]!]! : 0) + closedFormLogLikelihood(table, V, tokens, Math.max(from, 1))

  test('multiple choice (brown_next_word, 100 documents): every choice log-likelihood within 1e-5, acc and acc_norm exact', async () => {
    const result = await evaluateTask(brownNextWord, model, { limit: 100 })
    const documents = (await brownNextWord.loadDocuments({} as never)).slice(0, 100)
    expect(result.items.kind).toBe('choice')
    const items = result.items.kind === 'choice' ? result.items.items : []
    const expected = { acc: 0, acc_norm: 0 }
    documents.forEach((document, d) => {
      // lm-eval's split: the continuation is what encoding the whole adds after the encoded context (no BOS here).
      const lls = document.requests.map(({ context, continuation }) => {
        const whole = model.tokenizer.encode(context + continuation, { addSpecialTokens: true })
        return closedForm(whole, model.tokenizer.encode(context, { addSpecialTokens: true }).length)
      })
      lls.forEach((ll, c) => expect(Math.abs(items[d]!.ll[c]! - ll) / Math.abs(ll)).toBeLessThan(1e-5))
      const best = (scores: number[]) => scores.indexOf(Math.max(...scores))
      expected.acc += Number(best(lls) === document.gold) / documents.length
      expected.acc_norm += Number(best(lls.map((ll, c) => ll / document.choices[c]!.length)) === document.gold) / documents.length
    })
    expect(result.metrics.acc!.value).toBeCloseTo(expected.acc, 12)
    expect(result.metrics.acc_norm!.value).toBeCloseTo(expected.acc_norm, 12)
  })

  test('rolling (wikitext on the fixture pages): every page log-likelihood within 1e-5, words and bytes from the pages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lmscale-neox-rolling-'))
    await writeFixtureDatasets(dir)
    const data = dataOptionsFromEnv({}, { localDir: dir, offline: true })
    const result = await evaluateTask(wikitext, model, { data })
    const pages = await wikitext.loadDocuments(data)
    expect(result.items.kind).toBe('rolling')
    const items = result.items.kind === 'rolling' ? result.items.items : []
    let total = 0
    pages.forEach((page, p) => {
      const expected = closedForm(model.tokenizer.encode(page.text, { addSpecialTokens: false }), 0)
      expect(Math.abs(items[p]!.ll - expected) / Math.abs(expected)).toBeLessThan(1e-5)
      total += expected
    })
    const words = pages.reduce((sum, page) => sum + page.words, 0)
    expect(result.metrics.word_perplexity!.value / Math.exp(-total / words) - 1).toBeLessThan(1e-5)
    await rm(dir, { recursive: true, force: true })
  })
})
