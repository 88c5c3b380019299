/**
 * Progress from a real model: (done, total) after each onnxruntime batch, in requests or windows, monotone,
 * ending at the total, on every scoring path; and reporting it changes no result.
 */
import type { WindowMethod } from '../scoring/scorer.ts'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { hellaSwagShapedRequests } from '../../test-support/hellaswag-shaped.ts'
import { encodeDocument } from '../scoring/encode.ts'
import type { LoglikelihoodRequest, OnProgress } from '../scoring/scorer.ts'
import { methodWindows, rollingWindowPlan } from '../scoring/windows.ts'
import { LanguageModel, type LanguageModelOptions } from './language-model.ts'

const BATCH_SIZE = 3
const text = documentText(loadBrownCorpus().heldOut[2]!)
let load: (options: LanguageModelOptions) => Promise<LanguageModel>
beforeAll(async () => {
  const manifest = await ensureFixtureModels()
  const path = manifest.models.find(m => m.name === 'random-attention')!.path
  load = options => LanguageModel.fromDirectory(path, { maxLength: 64, batchSize: BATCH_SIZE, ...options })
})

function recorder(): { readonly onProgress: OnProgress; readonly calls: [number, number][] } {
  const calls: [number, number][] = []
  return { onProgress: (done, total) => calls.push([done, total]), calls }
}

/** done grows by 1 to BATCH_SIZE per report, total never changes, and the last report is done === total. */
function expectProgress(calls: readonly [number, number][], total: number): void {
  expect(calls.length).toBeGreaterThan(1)
  calls.forEach(([done, all], k) => {
    expect(all).toBe(total)
    const step = done - (k === 0 ? 0 : calls[k - 1]![0])
    expect(step).toBeGreaterThanOrEqual(1)
    expect(step).toBeLessThanOrEqual(BATCH_SIZE)
  })
  expect(calls.at(-1)![0]).toBe(total)
}

/** Plain batching reports after each batch: BATCH_SIZE, 2·BATCH_SIZE, …, total. */
const plainSteps = (total: number): number[] => Array.from({ length: Math.ceil(total / BATCH_SIZE) }, (_, k) => Math.min(total, (k + 1) * BATCH_SIZE))

describe('loglikelihood counts requests', () => {
  let requests: LoglikelihoodRequest[]
  beforeAll(async () => {
    const model = await load({})
    // Four documents of four choices (shared contexts) and two lone requests.
    requests = [
      ...hellaSwagShapedRequests(text, model.tokenizer, { documents: 4 }),
      { context: 'The jury said', continuation: ' it did not' },
      { context: 'In the city', continuation: ' of Atlanta' },
    ]
    await model.release()
  })

  test('without shared contexts: one report per onnxruntime batch', async () => {
    const model = await load({ shareContexts: false })
    const { onProgress, calls } = recorder()
    const results = await model.loglikelihood(requests, onProgress)
    expect(calls.map(([done]) => done)).toEqual(plainSteps(requests.length))
    expectProgress(calls, requests.length)
    expect(calls).toHaveLength(model.usage().calls)
    expect(results).toEqual(await model.loglikelihood(requests))
    await model.release()
  })

  test('with shared contexts: continuation batches and lone rows report, context runs do not', async () => {
    const model = await load({})
    const { onProgress, calls } = recorder()
    const results = await model.loglikelihood(requests, onProgress)
    expectProgress(calls, requests.length)
    // The context runs are the onnxruntime calls that finish no request.
    expect(calls.length).toBeLessThan(model.usage().calls)
    expect(results).toEqual(await model.loglikelihood(requests))
    await model.release()
  })

  test.each([true, false])('the token count is the positions the session ran (batch size 1: no padding; shared contexts %s)', async shareContexts => {
    const model = await load({ shareContexts, batchSize: 1 })
    const tokens: number[] = []
    await model.loglikelihood(requests, (_done, _total, count) => tokens.push(count))
    expect(tokens.at(-1)).toBe(model.usage().positions)
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b))
    await model.release()
  })
})

describe('rolling and token NLL count windows', () => {
  let model: LanguageModel
  beforeAll(async () => {
    model = await load({})
  })
  afterAll(() => model.release())

  test('loglikelihoodRolling: every document window, batched across documents', async () => {
    const documents = [text.slice(0, 900), text.slice(900, 1000), text.slice(1000, 1400)]
    const windows = documents.reduce(
      (sum, document, index) => sum + rollingWindowPlan(encodeDocument(document, model.tokenizer, index, model.encoding()).length, 64).length,
      0,
    )
    const { onProgress, calls } = recorder()
    const results = await model.loglikelihoodRolling(documents, onProgress)
    expect(calls.map(([done]) => done)).toEqual(plainSteps(windows))
    expectProgress(calls, windows)
    expect(results).toEqual(await model.loglikelihoodRolling(documents))
  })

  test.each([
    ['sliding', { type: 'sliding', maxLength: 64, stride: 24 }],
    ['chunks', { type: 'chunks', length: 48 }],
  ] as const)('tokenNll (%s): every window of the plan', async (_, method: WindowMethod) => {
    const sample = text.slice(0, 1500)
    const windows = methodWindows(model.tokenizer.encode(sample, { addSpecialTokens: true }).length, method).length
    const { onProgress, calls } = recorder()
    const result = await model.tokenNll(sample, method, onProgress)
    expect(calls.map(([done]) => done)).toEqual(plainSteps(windows))
    expectProgress(calls, windows)
    expect(result).toEqual(await model.tokenNll(sample, method))
  })
})
