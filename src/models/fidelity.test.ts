import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { ensureFixtureModels, type FixtureManifest } from '../forge/fixture-family.ts'
import { floatValues, rawTensor } from '../onnx/initializers.ts'
import { DataType, onnx } from '../onnx/proto.ts'
import { logSoftmax } from '../onnx/tensor-math.ts'
import { fidelityBandFailures, measureFidelity, tokenizerMismatch } from './fidelity.ts'
import { LanguageModel } from './language-model.ts'

const text = documentText(loadBrownCorpus().heldOut[7]!).slice(0, 2500)
const options = { window: 128, chunk: 48 }
/** The q8 export passes (measured: KL 5.0e-4, agreement 0.979; the rank-12 bigram table has near-ties on top). */
const BANDS = { kl_mean: { max: 0.01 }, top1_agreement: { min: 0.95 } }
let manifest: FixtureManifest
let dir: string
const loaded: LanguageModel[] = []
const load = async (path: string, dtype: 'fp32' | 'fp16' | 'q8' | 'q4', id: string) => {
  const model = await LanguageModel.fromDirectory(path, { id, dtype, scoring: 'logits' })
  loaded.push(model)
  return model
}
beforeAll(async () => {
  manifest = await ensureFixtureModels()
  dir = manifest.models.find(m => m.name === 'brown-bigram-s')!.path
})
afterAll(async () => {
  await Promise.all(loaded.map(m => m.release()))
})

test('a model against itself: KL exactly 0 at every position, agreement 1, Δp 0, perplexity ratio 1', async () => {
  const result = await measureFidelity(await load(dir, 'fp32', 'fp32 a'), await load(dir, 'fp32', 'fp32 b'), text, options)
  expect(result.n).toBeGreaterThan(500)
  expect(result.kl.every(v => v === 0)).toBe(true)
  expect(result.metrics).toMatchObject({ kl_mean: 0, kl_max: 0, top1_agreement: 1, delta_p_rms: 0, ppl_ratio: 1, ppl_ratio_low: 1, ppl_ratio_high: 1 })
})

describe('exports against fp32', () => {
  const kl: Record<string, number> = {}
  afterAll(() => console.log(`[fidelity] brown-bigram-s against fp32, mean KL: ${JSON.stringify(kl)}`))

  test('KL is positive and grows fp16 < q8 < q4; agreement and the perplexity ratio follow', async () => {
    const reference = await load(dir, 'fp32', 'brown-bigram-s fp32')
    const results = []
    for (const dtype of ['fp16', 'q8', 'q4'] as const) {
      const result = await measureFidelity(await load(dir, dtype, `brown-bigram-s ${dtype}`), reference, text, options)
      kl[dtype] = result.metrics.kl_mean
      results.push(result)
    }
    const [fp16, q8, q4] = results.map(r => r.metrics)
    expect(fp16!.kl_mean).toBeGreaterThan(0)
    expect(fp16!.kl_mean).toBeLessThan(q8!.kl_mean)
    expect(q8!.kl_mean).toBeLessThan(q4!.kl_mean)
    expect(q4!.top1_agreement).toBeLessThanOrEqual(fp16!.top1_agreement)
    expect(q4!.ppl_ratio_low).toBeLessThanOrEqual(q4!.ppl_ratio)
    expect(q4!.ppl_ratio).toBeLessThanOrEqual(q4!.ppl_ratio_high)
    expect(fidelityBandFailures(results[1]!, BANDS)).toEqual([])
  })

  test('per-position KL equals an independent float64 computation from the whole window’s logits', async () => {
    const model = await load(dir, 'q4', 'q4')
    const reference = await load(dir, 'fp32', 'fp32')
    const window = 40
    const result = await measureFidelity(model, reference, text.slice(0, 400), { window, chunk: window })
    const tokens = model.tokenizer.encode(text.slice(0, 400), { addSpecialTokens: true }).slice(0, window)
    const ours = (await model.logitsInChunks(tokens, window).next()).value
    const theirs = (await reference.logitsInChunks(tokens, window).next()).value
    const V = ours!.vocabSize
    for (const p of [0, 7, 21, 38]) {
      const logP = logSoftmax(ours!.logits.subarray(p * V, (p + 1) * V))
      const logQ = logSoftmax(theirs!.logits.subarray(p * V, (p + 1) * V))
      let expected = 0
      for (let v = 0; v < V; v++) expected += Math.exp(logQ[v]!) * (logQ[v]! - logP[v]!)
      expect(result.kl[p]).toBeGreaterThan(0)
      expect(Math.abs(result.kl[p]! - expected)).toBeLessThanOrEqual(1e-12 + 1e-9 * expected)
    }
  })
})

test('a broken copy (one layer’s weights scaled) fails the band, naming both models and the metric', async () => {
  const source = manifest.models.find(m => m.name === 'random-attention')!.path
  const broken = join(await mkdtemp(join(tmpdir(), 'lmscale-broken-')), 'model')
  try {
    await cp(source, broken, { recursive: true })
    const graph = onnx.ModelProto.decode(await readFile(join(broken, 'onnx', 'model.onnx')))
    graph.graph!.initializer = graph.graph!.initializer!.map(t =>
      t.name === 'model.layers.0.mlp.down_proj.weight'
        ? rawTensor(
            t.name,
            DataType.FLOAT,
            t.dims!.map(Number),
            floatValues(t).map(v => v * 4),
          )
        : t,
    )
    await writeFile(join(broken, 'onnx', 'model.onnx'), onnx.ModelProto.encode(graph).finish())
    const result = await measureFidelity(
      await load(broken, 'fp32', 'random-attention (layer 0 MLP ×4)'),
      await load(source, 'fp32', 'random-attention'),
      text,
      options,
    )
    const failures = fidelityBandFailures(result, BANDS)
    expect(failures).toHaveLength(2)
    expect(failures[0]).toMatch(
      /^fidelity of random-attention \(layer 0 MLP ×4\) against random-attention: kl_mean \d+(\.\d+)? is outside its band ≤ 0\.01 \(n \d+\)$/,
    )
    expect(failures[1]).toMatch(/top1_agreement .* is outside its band ≥ 0\.95/)
  } finally {
    await rm(join(broken, '..'), { recursive: true, force: true })
  }
})

test('models without a shared tokenizer are refused, naming both; a model scoring in-graph gives the same numbers as one loaded for logits', async () => {
  const neox = await load(manifest.models.find(m => m.name === 'brown-neox-s')!.path, 'fp32', 'brown-neox-s')
  const fp32 = await load(dir, 'fp32', 'brown-bigram-s')
  expect(tokenizerMismatch(neox, fp32)).toBe('brown-neox-s and brown-bigram-s do not share a tokenizer: vocabularies of 384 and 512 tokens')
  await expect(measureFidelity(neox, fp32, text, options)).rejects.toThrow('fidelity: brown-neox-s and brown-bigram-s do not share a tokenizer')
  const inGraph = await LanguageModel.fromDirectory(dir, { id: 'q8 in-graph', dtype: 'q8' })
  loaded.push(inGraph)
  const q8 = await load(dir, 'q8', 'q8 logits')
  const short = { ...options, windows: 2 }
  expect((await measureFidelity(inGraph, fp32, text, short)).metrics).toEqual((await measureFidelity(q8, fp32, text, short)).metrics)
})
