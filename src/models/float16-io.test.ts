/**
 * fp16 graphs whose inputs and outputs are float16 (past_key_values, logits, present), as an fp16 export from optimum
 * writes them, against the fp16 graph with float32 inputs and outputs that transformers.js's conversion writes: the
 * same float16 arithmetic inside, so every scoring path gives the same numbers (the only difference is where the
 * casts sit, and a float16 → float32 → float16 round trip is exact).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { writeFloat16IoCopy } from '../forge/export-formats.ts'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { readOnnxModel } from './parameter-count.ts'
import { DataType } from '../onnx/proto.ts'
import { hellaSwagShapedRequests } from '../../test-support/hellaswag-shaped.ts'
import { measureFidelity } from './fidelity.ts'
import { LanguageModel, type LanguageModelOptions } from './language-model.ts'

const text = documentText(loadBrownCorpus().heldOut[3]!)
const SLIDING = { type: 'sliding', maxLength: 64, stride: 32 } as const
let scratch: string
const loaded: LanguageModel[] = []
afterAll(async () => {
  await Promise.all(loaded.map(m => m.release()))
  if (scratch) await rm(scratch, { recursive: true, force: true })
})
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lmscale-fp16-io-'))
})

describe.each(['brown-bigram-s', 'brown-neox-s'])('%s', name => {
  let dir: string
  let ioDir: string
  const load = async (path: string, options: LanguageModelOptions) => {
    const model = await LanguageModel.fromDirectory(path, { dtype: 'fp16', ...options })
    loaded.push(model)
    return model
  }
  beforeAll(async () => {
    dir = (await ensureFixtureModels()).models.find(m => m.name === name)!.path
    ioDir = await writeFloat16IoCopy(dir, join(scratch, name))
  })

  test('the graph reads and writes float16: past_key_values, logits and present', async () => {
    const graph = (await readOnnxModel(join(ioDir, 'onnx', 'model_fp16.onnx'))).graph!
    const floats = [...graph.input!, ...graph.output!].filter(v => v.type?.tensorType?.elemType !== DataType.INT64)
    expect(floats.map(v => v.name)).toEqual(expect.arrayContaining(['past_key_values.0.key', 'logits', 'present.0.value']))
    expect(floats.every(v => v.type?.tensorType?.elemType === DataType.FLOAT16)).toBe(true)
  })

  test('in-graph scoring, shared contexts and chunked prefill give the fp32-I/O numbers bit for bit', async () => {
    const [io, kept] = [await load(ioDir, { chunkLength: 16 }), await load(dir, { chunkLength: 16 })]
    const requests = [...hellaSwagShapedRequests(text, kept.tokenizer, { documents: 4 }), { context: 'The jury said', continuation: ' it did not' }]
    expect(await io.loglikelihood(requests)).toEqual(await kept.loglikelihood(requests))
    expect(await io.tokenNll(text.slice(0, 1500), SLIDING)).toEqual(await kept.tokenNll(text.slice(0, 1500), SLIDING))
  })

  test('logits read in JavaScript are the float16 logits: within half a float16 step per token of the fp32-I/O scores', async () => {
    const options = { scoring: 'logits', shareContexts: false } as const
    const [io, kept] = [await load(ioDir, options), await load(dir, options)]
    const requests = [...hellaSwagShapedRequests(text, kept.tokenizer, { documents: 4 }), { context: 'The jury said', continuation: ' it did not' }]
    const [ours, theirs] = [await io.loglikelihood(requests), await kept.loglikelihood(requests)]
    expect(ours.map(r => r.isGreedy)).toEqual(theirs.map(r => r.isGreedy))
    // A log-probability is a difference of two logits (each off by ≤ half a step, 2⁻¹¹ relative) near |logit| ≤ 16.
    ours.forEach((r, i) => expect(Math.abs(r.logLikelihood - theirs[i]!.logLikelihood)).toBeLessThanOrEqual(r.continuationTokens * 2 * 16 * 2 ** -11))
    const [a, b] = [await io.tokenNll(text.slice(0, 1500), SLIDING), await kept.tokenNll(text.slice(0, 1500), SLIDING)]
    expect(a.tokens).toBe(b.tokens)
    expect(Math.abs(a.nll - b.nll)).toBeLessThanOrEqual(a.tokens * 2 * 16 * 2 ** -11)
  })

  test('KV-cached greedy decoding gives the fp32-I/O tokens, and fidelity against fp32 the same statistics within float16 rounding', async () => {
    const [io, kept, fp32] = [await load(ioDir, {}), await load(dir, {}), await load(dir, { dtype: 'fp32' })]
    const prompt = kept.tokenizer.encode(text.slice(0, 200), { addSpecialTokens: true })
    expect(await io.greedyDecode(prompt, 12)).toEqual(await kept.greedyDecode(prompt, 12))
    expect(await io.greedyDecode(prompt, 12)).toEqual(await io.greedyDecode(prompt, 12, { cache: false }))
    const options = { window: 128, chunk: 48, windows: 3 }
    const [ofIo, ofKept] = [await measureFidelity(io, fp32, text, options), await measureFidelity(kept, fp32, text, options)]
    expect(ofIo.n).toBe(ofKept.n)
    // Rounding the logits to float16 adds its own small divergence (measured: 2.2e-6 against 7.5e-7, 3.9e-6 against 1.5e-6).
    expect(Math.abs(ofIo.metrics.kl_mean - ofKept.metrics.kl_mean)).toBeLessThan(1e-5)
    expect(Math.abs(ofIo.metrics.ppl_ratio - ofKept.metrics.ppl_ratio)).toBeLessThan(1e-3)
    expect(Math.abs(ofIo.metrics.top1_agreement - ofKept.metrics.top1_agreement)).toBeLessThan(0.01)
    expect(ofIo.metrics.kl_mean).toBeGreaterThan(0)
  })
})
