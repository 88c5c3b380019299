import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { rollingWindowPlan, slidingWindowPlan } from '../scoring/windows.ts'
import { closedFormLogLikelihood } from '../forge/bigram-model.ts'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { expectedWeightShapes, type DecoderConfig } from '../forge/config.ts'
import {
  ensureFixtureModels,
  fixtureDecoderConfig,
  FIXTURE_MODELS,
  GPT_NEOX_FIXTURE_MODELS,
  gptNeoxFixtureConfig,
  type FixtureManifest,
} from '../forge/fixture-family.ts'
import { forgeDecoder } from '../forge/forge-decoder.ts'
import { gptNeoxWeightShapes } from '../forge/gpt-neox-config.ts'
import { randomDecoderWeights } from '../forge/random-weights.ts'
import { referenceLogits } from '../forge/reference-forward.ts'
import { readSafetensors } from '../forge/safetensors.ts'
import { logSoftmax } from '../onnx/tensor-math.ts'
import { bigramFixture, closedFormTableOf } from '../../test-support/bigram-fixtures.ts'
import { LanguageModel } from './language-model.ts'

let manifest: FixtureManifest
const text = documentText(loadBrownCorpus().heldOut[1]!).slice(0, 6000)
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})
const pathOf = (name: string) => manifest.models.find(m => m.name === name)!.path
const fixture = (name: string) => {
  const spec = FIXTURE_MODELS.find(m => m.name === name)!
  return { spec, config: fixtureDecoderConfig(spec), path: pathOf(name) }
}

// One bigram model per architecture: LLaMA's tokenizer prepends BOS, GPT-NeoX's does not (EOS is then lm-eval's prefix).
describe.each(['brown-bigram-m', 'brown-neox-m'])('perplexity methods of %s against the closed form (each token depends only on the one before it)', name => {
  let model: LanguageModel
  let table: Float64Array
  let V: number
  beforeAll(async () => {
    const closedForm = bigramFixture(name)
    model = await LanguageModel.fromDirectory(pathOf(name), { id: name, maxLength: 256 })
    table = await closedFormTableOf(closedForm, pathOf(name))
    V = closedForm.vocabSize
  })
  afterAll(() => model.release())
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

  test('Hugging Face sliding window (the first token unscored, every later token scored from its predecessor)', async () => {
    const tokens = model.tokenizer.encode(text, { addSpecialTokens: true })
    for (const [maxLength, stride] of [
      [256, 128],
      [100, 100],
      [64, 48],
    ] as const) {
      const result = await model.tokenNll(text, { type: 'sliding', maxLength, stride })
      const expected = closedFormLogLikelihood(table, V, tokens)
      expect(result.tokens).toBe(tokens.length - 1)
      expect(relative(-result.nll, expected)).toBeLessThan(1e-5)
      // Each window's own NLL, over the tokens it scores; in stream order they add up to the total, bit for bit.
      const plan = slidingWindowPlan(tokens.length, { maxLength, stride })
      expect(result.windows.map(w => [w.start, w.tokens])).toEqual(plan.map(w => [w.scoredStart, w.scoredEnd - w.scoredStart]))
      result.windows.forEach((w, i) => {
        expect(relative(-w.nll, closedFormLogLikelihood(table, V, tokens, plan[i]!.scoredStart, plan[i]!.scoredEnd))).toBeLessThan(1e-5)
      })
      expect(result.windows.reduce((sum, w) => sum + w.nll, 0)).toBe(result.nll)
    }
  })

  test("lm-eval 0.4.13's rolling windows: the document as the tokenizer encodes it, after the prefix token (LLaMA: BOS first, so the prefix BOS first predicts BOS — P(BOS | BOS); GPT-NeoX: no BOS, the prefix EOS predicts the first token)", async () => {
    const tokens = model.tokenizer.encode(text, { addSpecialTokens: true })
    if (name === 'brown-bigram-m') expect(tokens[0]).toBe(model.specialTokens.bos)
    else expect(tokens).toEqual(model.tokenizer.encode(text, { addSpecialTokens: false }))
    const [result] = await model.loglikelihoodRolling([text])
    const expected = table[model.specialTokens.prefix * V + tokens[0]!]! + closedFormLogLikelihood(table, V, tokens)
    expect(result!.tokens).toBe(tokens.length)
    expect(relative(result!.logLikelihood, expected)).toBeLessThan(1e-5)
    expect(rollingWindowPlan(tokens.length, 256).length).toBeGreaterThan(3)
  })

  test("lm-eval 0.4.9's rolling windows (and 0.4.13 with bos 'none'): no BOS in the document, the prefix token predicts its first token", async () => {
    const tokens = model.tokenizer.encode(text, { addSpecialTokens: false })
    for (const options of [{ lmEval: '0.4.9' }, { bos: 'none' }] as const) {
      const other = await LanguageModel.fromDirectory(pathOf(name), { maxLength: 256, ...options })
      const [result] = await other.loglikelihoodRolling([text])
      const expected = table[model.specialTokens.prefix * V + tokens[0]!]! + closedFormLogLikelihood(table, V, tokens)
      expect(result!.tokens).toBe(tokens.length)
      expect(relative(result!.logLikelihood, expected)).toBeLessThan(1e-5)
      await other.release()
    }
  })

  test('non-overlapping chunks (each chunk first token unscored, remainder dropped)', async () => {
    const tokens = model.tokenizer.encode(text, { addSpecialTokens: true })
    const chunk = 200
    const result = await model.tokenNll(text, { type: 'chunks', length: chunk })
    let expected = 0
    for (let start = 0; start + chunk <= tokens.length; start += chunk) {
      expected += closedFormLogLikelihood(table, V, tokens, start + 1, start + chunk)
    }
    expect(result.tokens).toBe(Math.floor(tokens.length / chunk) * (chunk - 1))
    expect(relative(-result.nll, expected)).toBeLessThan(1e-5)
    expect(result.windows.map(w => w.start)).toEqual(Array.from({ length: Math.floor(tokens.length / chunk) }, (_, k) => k * chunk + 1))
    result.windows.forEach(w => {
      expect(relative(-w.nll, closedFormLogLikelihood(table, V, tokens, w.start, w.start + chunk - 1))).toBeLessThan(1e-5)
    })
  })
})

describe('random-weight model with active attention', () => {
  let model: LanguageModel
  let config: DecoderConfig
  let path: string
  beforeAll(async () => {
    ;({ config, path } = fixture('random-attention'))
    model = await LanguageModel.fromDirectory(path, { id: 'random-attention', maxLength: 24 })
  })
  afterAll(() => model.release())

  test('the sliding window equals a brute-force per-token computation with the reference forward', async () => {
    const weights = await readSafetensors(join(path, 'model.safetensors'))
    const sample = text.slice(0, 240)
    const tokens = model.tokenizer.encode(sample, { addSpecialTokens: true })
    const plan = slidingWindowPlan(tokens.length, { maxLength: 24, stride: 10 })
    let expected = 0
    for (const window of plan) {
      const logits = referenceLogits(config, weights, tokens.slice(window.inputStart, window.inputEnd))
      for (let t = window.scoredStart; t < window.scoredEnd; t++) expected += logSoftmax(logits[t - 1 - window.inputStart]!)[tokens[t]!]!
    }
    const result = await model.tokenNll(sample, { type: 'sliding', maxLength: 24, stride: 10 })
    expect(Math.abs(-result.nll - expected) / Math.abs(expected)).toBeLessThan(1e-5)
    expect(result.bytes).toBe(Buffer.byteLength(sample, 'utf8'))
  })

  test('tokenNll refuses windows longer than the model takes', async () => {
    await expect(model.tokenNll(text, { type: 'chunks', length: 25 })).rejects.toThrow(/maximum length of 24; the chunks method needs windows of 25 tokens/)
  })

  test('batch invariance: batch sizes 1, 3 and 16 and any request order give identical log-likelihoods', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({
      context: text.slice(i * 7, i * 7 + 15 + (i % 5) * 9).trimEnd(),
      continuation: ` ${text.slice(300 + i * 11, 300 + i * 11 + 3 + (i % 4) * 4).trim() || 'the'}`,
    }))
    const results = new Map<string, number[]>()
    for (const batchSize of [1, 3, 16]) {
      const m = await LanguageModel.fromDirectory(path, { maxLength: 24, batchSize })
      results.set(
        `batch ${batchSize}`,
        (await m.loglikelihood(requests)).map(r => r.logLikelihood),
      )
      const reversed = [...requests].reverse()
      results.set(`batch ${batchSize} reversed`, (await m.loglikelihood(reversed)).map(r => r.logLikelihood).reverse())
      await m.release()
    }
    const reference = results.get('batch 1')!
    for (const [, values] of results) values.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThanOrEqual(1e-5))
    // Bit-identical on CPU: padding width changes no row's arithmetic (see README, "Batch invariance").
    for (const [, values] of results) expect(values).toEqual(reference)
  })

  test('contexts longer than max_length are truncated on the left and counted', async () => {
    const context = text.slice(0, 400)
    const [result] = await model.loglikelihood([{ context, continuation: ' the' }])
    const contextTokens = model.tokenizer.encode(context, { addSpecialTokens: true }).length
    expect(result!.continuationTokens).toBe(1)
    expect(result!.truncatedTokens).toBe(contextTokens + 1 - (24 + 1))
  })
})

describe('clear errors', () => {
  test('a continuation that tokenizes to nothing names the request', async () => {
    const model = await LanguageModel.fromDirectory(fixture('brown-bigram-xs').path)
    await expect(
      model.loglikelihood([
        { context: 'Answer:', continuation: ' yes' },
        { context: 'Answer:', continuation: '' },
      ]),
    ).rejects.toThrow(/loglikelihood request 1: the continuation "" .* tokenizes to nothing/)
    await model.release()
  })

  test('an empty document names the document', async () => {
    const model = await LanguageModel.fromDirectory(fixture('brown-bigram-xs').path)
    await expect(model.loglikelihoodRolling(['fine text', ''])).rejects.toThrow(/document 1/)
    await model.release()
  })

  test('a model directory missing tokenizer.json or onnx/model.onnx says which file and which layout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lmscale-missing-'))
    const { spec } = fixture('brown-bigram-xs')
    const config = fixtureDecoderConfig(spec)
    await forgeDecoder(config, randomDecoderWeights(config, 3), { json: {}, bosToken: '<s>', eosToken: '</s>', addBosToken: true }, join(dir, 'm'))
    await rm(join(dir, 'm', 'tokenizer.json'))
    await expect(LanguageModel.fromDirectory(join(dir, 'm'))).rejects.toThrow(/is missing tokenizer\.json: a model needs/)
    await rm(join(dir, 'm', 'onnx', 'model.onnx'))
    await expect(LanguageModel.fromDirectory(join(dir, 'm'))).rejects.toThrow(/is missing tokenizer\.json, onnx\/model\.onnx/)
  })

  test('NaN in the logits names the model and the position', async () => {
    const { path } = fixture('random-attention')
    const dir = await mkdtemp(join(tmpdir(), 'lmscale-nan-'))
    const config: DecoderConfig = fixtureDecoderConfig(FIXTURE_MODELS.find(m => m.name === 'random-attention')!)
    const weights = randomDecoderWeights(config, 5)
    const tokenizerModel = await LanguageModel.fromDirectory(path)
    const poisoned = tokenizerModel.tokenizer.encode(' the', { addSpecialTokens: false })[0]!
    weights['model.embed_tokens.weight']!.data[poisoned * config.hiddenSize] = Number.NaN
    const json = tokenizerModel.tokenizer.raw._tokenizerJSON as object
    await forgeDecoder(config, weights, { json, bosToken: '<s>', eosToken: '</s>', addBosToken: true }, join(dir, 'nan'))
    const model = await LanguageModel.fromDirectory(join(dir, 'nan'), { id: 'poisoned-model' })
    await expect(model.loglikelihood([{ context: 'It was', continuation: ' the end' }])).rejects.toThrow(
      /poisoned-model produced a non-finite logit .* position \d+/,
    )
    await Promise.all([model.release(), tokenizerModel.release()])
  })
})

test.each([
  ['brown-bigram-s', 'LLaMA, untied'],
  ['random-attention', 'LLaMA, tied'],
  ['brown-neox-s', 'GPT-NeoX, untied embed_out'],
])('parameter counts of %s (%s) from the ONNX initializers equal the architecture formula', async name => {
  const neox = GPT_NEOX_FIXTURE_MODELS.find(m => m.name === name)
  const llama = FIXTURE_MODELS.find(m => m.name === name)
  const { config, shapes } = neox
    ? { config: gptNeoxFixtureConfig(neox), shapes: gptNeoxWeightShapes(gptNeoxFixtureConfig(neox)) }
    : { config: fixtureDecoderConfig(llama!), shapes: expectedWeightShapes(fixtureDecoderConfig(llama!)) }
  const tied = 'tieWordEmbeddings' in config && config.tieWordEmbeddings
  const model = await LanguageModel.fromDirectory(pathOf(name))
  let formula = 0
  for (const shape of shapes.values()) formula += shape.reduce((a, b) => a * b, 1)
  const embedding = config.vocabSize * config.hiddenSize * (tied ? 1 : 2)
  expect(model.parameters).toEqual({ total: formula, embedding, nonEmbedding: formula - embedding })
  await model.release()
})
