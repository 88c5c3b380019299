import { cp, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, test } from 'vitest'
import { ensureFixtureModels, type FixtureManifest } from '../forge/fixture-family.ts'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { DataType, onnx } from '../onnx/proto.ts'
import { logSoftmax } from '../onnx/tensor-math.ts'
import { DecoderSession } from './decoder-session.ts'
import { LanguageModel } from './language-model.ts'
import { withExternalData } from '../../test-support/external-data.ts'
import { appendScoringTail, ensureScoringGraph, ScoringGraphError } from './scoring-graph.ts'

let manifest: FixtureManifest
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})
const fixturePath = (name: string) => manifest.models.find(m => m.name === name)!.path

/** Log-probabilities of the plain graph's logits taken in float64 here, and the first-max argmax. */
async function plainScores(onnxPath: string, tokens: number[]) {
  const session = await DecoderSession.create(onnxPath, { device: 'cpu' })
  const { logits, vocabSize } = await session.forward({ inputIds: [tokens.slice(0, -1)], attentionMask: [tokens.slice(0, -1).map(() => 1)] })
  await session.release()
  const V = vocabSize!
  return tokens.slice(1).map((target, p) => {
    const row = logits!.subarray(p * V, (p + 1) * V)
    return { logProb: logSoftmax(row)[target]!, argmax: row.indexOf(Math.max(...row)) }
  })
}

async function graphScores(onnxPath: string, tokens: number[]) {
  const session = await DecoderSession.create(onnxPath, { device: 'cpu' })
  expect(session.kind).toBe('scoring')
  expect(session.session.outputNames).not.toContain('logits')
  const input = tokens.slice(0, -1)
  const { targetLogProbs, argmaxIds } = await session.forward({ inputIds: [input], attentionMask: [input.map(() => 1)], targetIds: [tokens.slice(1)] })
  await session.release()
  return tokens.slice(1).map((_, p) => ({ logProb: targetLogProbs![p]!, argmax: Number(argmaxIds![p]!) }))
}

const tokens = [1, 72, 301, 45, 9, 9, 388, 120, 17, 500, 3, 260, 77, 41, 199, 6]

describe('in-graph scoring (log-softmax + gather + argmax appended to the decoder)', () => {
  test('equals the float64 log-softmax of the plain graph logits within 1e-6, with the same argmax', async () => {
    for (const name of ['random-attention', 'brown-bigram-xl']) {
      const original = join(fixturePath(name), 'onnx', 'model.onnx')
      const { path } = await ensureScoringGraph(original)
      const expected = await plainScores(original, tokens)
      const actual = await graphScores(path, tokens)
      actual.forEach((score, p) => {
        expect(Math.abs(score.logProb - expected[p]!.logProb)).toBeLessThan(1e-6)
        expect(score.argmax).toBe(expected[p]!.argmax)
      })
    }
  })

  test('a model with external data: only the graph is rewritten, beside it, and it still finds its weights', async () => {
    const dir = await withExternalData(fixturePath('random-attention'))
    const original = join(dir, 'onnx', 'model.onnx')
    const { path, cached } = await ensureScoringGraph(original)
    expect(cached).toBe(false)
    expect(join(path, '..')).toBe(join(dir, 'onnx'))
    const dataBytes = (await stat(join(dir, 'onnx', 'model.onnx_data'))).size
    expect((await stat(path)).size).toBeLessThan(dataBytes / 20)
    const rewritten = onnx.ModelProto.decode(await readFile(path))
    const external = rewritten.graph!.initializer!.filter(t => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    expect(external.length).toBeGreaterThan(10)
    expect(external.every(t => t.externalData!.find(e => e.key === 'location')!.value === 'model.onnx_data')).toBe(true)
    const inline = await plainScores(join(fixturePath('random-attention'), 'onnx', 'model.onnx'), tokens)
    const actual = await graphScores(path, tokens)
    actual.forEach((score, p) => expect(Math.abs(score.logProb - inline[p]!.logProb)).toBeLessThan(1e-6))
  })

  test('the rewritten graph is cached by the original hash; an edited original gets a new one and the stale one goes', async () => {
    const dir = await withExternalData(fixturePath('brown-bigram-xs'))
    const original = join(dir, 'onnx', 'model.onnx')
    const first = await ensureScoringGraph(original)
    const again = await ensureScoringGraph(original)
    expect(again).toEqual({ path: first.path, cached: true })
    const model = onnx.ModelProto.decode(await readFile(original))
    model.docString = 'edited'
    await writeFile(original, onnx.ModelProto.encode(model).finish())
    const edited = await ensureScoringGraph(original)
    expect(edited.cached).toBe(false)
    expect(edited.path).not.toBe(first.path)
    expect((await readdir(join(dir, 'onnx'))).filter(f => f.includes('lmscale-scoring'))).toEqual([basename(edited.path)])
  })

  test('a self-contained graph is cached outside the model directory, which stays as it was', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'lmscale-inline-')), 'model')
    await cp(fixturePath('brown-bigram-s'), dir, { recursive: true })
    const original = join(dir, 'onnx', 'model.onnx')
    const before = await readdir(join(dir, 'onnx'))
    const cacheDir = await mkdtemp(join(tmpdir(), 'lmscale-scoring-cache-'))
    const first = await ensureScoringGraph(original, cacheDir)
    expect(first.cached).toBe(false)
    expect(join(first.path, '..')).toBe(cacheDir)
    expect(await ensureScoringGraph(original, cacheDir)).toEqual({ path: first.path, cached: true })
    expect(await readdir(join(dir, 'onnx'))).toEqual(before)
  })

  test('float16 logits are widened to float32 before the log-softmax (a bare graph: embedding lookup only)', async () => {
    const V = 7
    const table = Float32Array.from({ length: V * V }, (_, i) => Math.sin(i * 1.7) * 4 + (i % 3) * 0.25)
    const g = new GraphBuilder('fp16_logits')
    const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length'])
    g.output('logits', 'float16', ['batch_size', 'sequence_length', V])
    g.op('Cast', [g.op('Gather', [g.weight('table', table, [V, V]), ids], { axis: 0 })], { to: DataType.FLOAT16 }, 'logits')
    const dir = await mkdtemp(join(tmpdir(), 'lmscale-fp16-'))
    await writeFile(join(dir, 'model.onnx'), g.toBytes())
    const { path } = await ensureScoringGraph(join(dir, 'model.onnx'), dir)
    const session = await ort.InferenceSession.create(path)
    const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length])
    const out = await session.run({ input_ids: int64([3, 0, 6]), target_ids: int64([1, 6, 6]) })
    ;[
      [3, 1],
      [0, 6],
      [6, 6],
    ].forEach(([id, target], p) => {
      // The fp16 rounding of each logit, computed independently of onnxruntime.
      const row = Array.from(table.subarray(id! * V, (id! + 1) * V), roundToHalf)
      expect(Math.abs((out.target_log_probs!.data as Float64Array)[p]! - logSoftmax(row)[target!]!)).toBeLessThan(1e-6)
      expect(Number((out.argmax_ids!.data as BigInt64Array)[p])).toBe(row.indexOf(Math.max(...row)))
    })
    await session.release()
  })

  test('graphs the rewrite cannot handle get a clear error; LanguageModel points to the plain path', async () => {
    const g = new GraphBuilder('no_logits')
    g.output('hidden', 'float32', ['batch_size', 'sequence_length', 4])
    g.op('Identity', [g.input('input_ids', 'float32', ['batch_size', 'sequence_length', 4])], {}, 'hidden')
    const model = onnx.ModelProto.decode(g.toBytes())
    expect(() => appendScoringTail(model, 'hidden.onnx')).toThrow(/hidden\.onnx: the graph has no output named logits \(outputs: hidden\)/)

    const scoring = onnx.ModelProto.decode(await readFile((await ensureScoringGraph(join(fixturePath('brown-bigram-xs'), 'onnx', 'model.onnx'))).path))
    expect(() => appendScoringTail(scoring)).toThrow(ScoringGraphError)

    const dir = join(await mkdtemp(join(tmpdir(), 'lmscale-nologits-')), 'model')
    await cp(fixturePath('brown-bigram-xs'), dir, { recursive: true })
    await writeFile(join(dir, 'onnx', 'model.onnx'), g.toBytes())
    await expect(LanguageModel.fromDirectory(dir)).rejects.toThrow(/no output named logits.*load it with \{ scoring: 'logits' \}/)
  })
})

/** IEEE half precision rounding (round to nearest even, 10 fraction bits) of a float in the normal range. */
function roundToHalf(x: number): number {
  if (x === 0) return 0
  const exponent = Math.floor(Math.log2(Math.abs(x)))
  const quantum = 2 ** (exponent - 10)
  const scaled = x / quantum
  const floor = Math.floor(scaled)
  const rest = scaled - floor
  const rounded = rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor
  return rounded * quantum
}
