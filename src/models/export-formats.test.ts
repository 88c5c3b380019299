/**
 * Every export format of the exported fixtures (fp16, q8, q4, q4f16 beside model.onnx; fp32 with external data)
 * through lmscale: parameter counts equal to the fp32 export's, perplexity within each
 * format's band of fp32's, and log-likelihoods bit-identical whatever the batch size, q8 included.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { EXPORT_FILES } from '../forge/export-formats.ts'
import { ensureFixtureModels, EXPORTED_FIXTURES, type FixtureManifest } from '../forge/fixture-family.ts'
import type { Dtype } from '../core/executor.ts'
import { DecoderSession } from './decoder-session.ts'
import { LanguageModel, type LanguageModelOptions } from './language-model.ts'
import { ensureScoringGraph } from './scoring-graph.ts'

type Format = Dtype | 'fp32-external-data'
const FORMATS: readonly Format[] = ['fp32', 'fp32-external-data', 'fp16', 'q8', 'q4', 'q4f16']
/** Perplexity relative to fp32's: the issue's bands (the external-data graph is the fp32 graph). */
const PERPLEXITY_BAND: Record<Format, number> = { fp32: 0, 'fp32-external-data': 1e-12, fp16: 1e-3, q8: 0.05, q4: 0.25, q4f16: 0.25 }

const heldOut = loadBrownCorpus().heldOut.map(documentText)
const text = heldOut[2]!.slice(0, 4000)
const words = heldOut[3]!.split(/\s+/).filter(Boolean)
// Contexts and continuations of different lengths, so batches pad and rows share calls with different neighbours.
const requests = Array.from({ length: 11 }, (_, i) => ({
  context: words.slice(i * 7, i * 7 + 3 + ((i * 5) % 17)).join(' '),
  continuation: ` ${words.slice(i * 7 + 20, i * 7 + 21 + (i % 4)).join(' ')}`,
}))
const documents = [heldOut[4]!.slice(0, 900), heldOut[5]!.slice(0, 300), heldOut[6]!.slice(0, 600)]

let manifest: FixtureManifest
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})

function load(name: string, format: Format, options: LanguageModelOptions = {}): Promise<LanguageModel> {
  const entry = manifest.models.find(m => m.name === name)!
  if (format === 'fp32-external-data') return LanguageModel.fromDirectory(entry.externalDataPath!, { id: `${name} (${format})`, maxLength: 256, ...options })
  return LanguageModel.fromDirectory(entry.path, { id: `${name} (${format})`, dtype: format, maxLength: 256, ...options })
}

describe.each(EXPORTED_FIXTURES)('export formats of %s', name => {
  const perplexities = new Map<Format, number>()
  const reference: { total: number; embedding: number; nonEmbedding: number }[] = []
  afterAll(() => {
    const fp32 = perplexities.get('fp32')!
    const rows = [...perplexities].map(([format, ppl]) => `${format} ${ppl.toFixed(6)} (${(((ppl - fp32) / fp32) * 100).toFixed(4)}%)`)
    console.log(`[export formats] ${name}: perplexity relative to fp32: ${rows.join(', ')}`)
  })

  test.each(FORMATS)('%s: parameters equal the fp32 export, perplexity within its band, log-likelihoods bit-identical at batch 1, 3 and 8', async format => {
    const byBatch = []
    for (const batchSize of [1, 3, 8]) {
      const model = await load(name, format, { batchSize })
      try {
        if (format === 'fp32' && batchSize === 1) reference.push(model.parameters)
        expect(model.parameters).toEqual(reference[0])
        const { nll, tokens } = await model.tokenNll(text, { type: 'sliding', maxLength: 256, stride: 128 })
        if (batchSize === 1) perplexities.set(format, Math.exp(nll / tokens))
        byBatch.push({
          loglikelihood: await model.loglikelihood(requests),
          rolling: await model.loglikelihoodRolling(documents),
          nll,
          rowsPerCall: model.options.rowsPerCall,
        })
      } finally {
        await model.release()
      }
    }
    expect(byBatch[1]).toEqual({ ...byBatch[0], rowsPerCall: byBatch[1]!.rowsPerCall })
    expect(byBatch[2]).toEqual({ ...byBatch[0], rowsPerCall: byBatch[2]!.rowsPerCall })
    // Only per-tensor-quantized and float16 graphs give up batching.
    expect(byBatch.map(b => b.rowsPerCall)).toEqual(['q8', 'fp16', 'q4f16'].includes(format) ? [1, 1, 1] : [1, 3, 8])
    // random-attention's random weights give a perplexity of ~2e14 on text, which no band describes.
    if (manifest.models.find(m => m.name === name)!.kind === 'bigram') {
      const fp32 = perplexities.get('fp32')!
      expect(Math.abs(perplexities.get(format)! - fp32) / fp32).toBeLessThanOrEqual(PERPLEXITY_BAND[format])
    }
  })
})

test('why q8 and fp16 run one row per call: a q8 row changes with its neighbour, an fp16 row with padding (fp32 with neither)', async () => {
  manifest ??= await ensureFixtureModels()
  const dir = manifest.models.find(m => m.name === 'random-attention')!.path
  const row = Array.from({ length: 30 }, (_, i) => 40 + ((i * 37) % 400))
  const neighbour = Array.from({ length: 30 }, (_, i) => 300 + ((i * 11) % 200))
  const padded = [...row, ...new Array<number>(10).fill(2)]
  const changes: Record<string, { neighbour: boolean; padding: boolean }> = {}
  for (const file of ['model.onnx', EXPORT_FILES.q8, EXPORT_FILES.fp16]) {
    const session = await DecoderSession.create((await ensureScoringGraph(join(dir, 'onnx', file))).path, { device: 'cpu' })
    const run = async (rows: number[][]) => {
      const outputs = await session.forward({ inputIds: rows, attentionMask: rows.map(r => r.map(() => 1)), targetIds: rows })
      return [...outputs.targetLogProbs!.subarray(0, row.length)]
    }
    try {
      const alone = await run([row])
      changes[file] = { neighbour: (await run([row, neighbour])).some((v, i) => v !== alone[i]), padding: (await run([padded])).some((v, i) => v !== alone[i]) }
    } finally {
      await session.release()
    }
  }
  expect(changes).toEqual({
    'model.onnx': { neighbour: false, padding: false },
    [EXPORT_FILES.q8]: { neighbour: true, padding: true },
    [EXPORT_FILES.fp16]: { neighbour: false, padding: true },
  })
})
