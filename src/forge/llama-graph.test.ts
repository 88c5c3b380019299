import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoModelForCausalLM, AutoTokenizer, Tensor } from '@huggingface/transformers'
import { describe, expect, test } from 'vitest'
import type { DecoderConfig } from './config.ts'
import { forgeDecoder } from './forge-decoder.ts'
import { byteLevelTokenizerJson, countPieces, SPECIAL_TOKENS, trainByteLevelBpe } from './byte-level-bpe.ts'
import { llama } from './llama.ts'
import { randomDecoderWeights } from './random-weights.ts'

const tokenizer = {
  json: byteLevelTokenizerJson(trainByteLevelBpe(countPieces(['the cat sat on the mat and the dog sat on the log']), 300)),
  bosToken: SPECIAL_TOKENS.bos,
  eosToken: SPECIAL_TOKENS.eos,
  addBosToken: true,
}

const base = { vocabSize: 300, ropeTheta: 10_000, rmsNormEps: 1e-5, maxPositionEmbeddings: 256, bosTokenId: 1, eosTokenId: 2 }
const CONFIGS: Record<string, DecoderConfig> = {
  'GQA ratio 3, tied head': { ...base, hiddenSize: 96, intermediateSize: 160, numLayers: 2, numHeads: 6, numKvHeads: 2, tieWordEmbeddings: true },
  'GQA ratio 5, head_dim 64, untied head': {
    ...base,
    hiddenSize: 160,
    headDim: 64,
    intermediateSize: 256,
    numLayers: 2,
    numHeads: 5,
    numKvHeads: 1,
    tieWordEmbeddings: false,
  },
  'MobileLLM-like: 9 heads / 3 KV heads, head_dim 64, tied': {
    ...base,
    hiddenSize: 576,
    intermediateSize: 384,
    numLayers: 2,
    numHeads: 9,
    numKvHeads: 3,
    tieWordEmbeddings: true,
    ropeTheta: 500_000,
  },
}

async function forged(config: DecoderConfig, seed: number) {
  const weights = randomDecoderWeights(config, seed)
  const dir = await forgeDecoder(config, weights, tokenizer, join(await mkdtemp(join(tmpdir(), 'lmscale-forge-')), 'model'), llama)
  const model = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', device: 'cpu', local_files_only: true })
  return { weights, dir, model }
}

const int64 = (rows: number[][]) => new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length])

/** The previous step's present.{i}.* outputs under the past_key_values.{i}.* names the next step feeds. */
function pastFromPresent(outputs: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([name]) => name.startsWith('present.'))
      .map(([name, tensor]) => [name.replace('present.', 'past_key_values.'), tensor]),
  )
}

/** max |a − b| / max |b| over the compared entries. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!))
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return diff / scale
}

describe.each(Object.entries(CONFIGS))('forged decoder (%s)', (_, config) => {
  const tokens = [1, 17, 40, 99, 5, 260, 31, 8, 77, 150, 12, 3]

  test('logits match the float64 reference forward within 1e-4 relative', async () => {
    const { weights, model } = await forged(config, 11)
    const { logits } = await model({ input_ids: int64([tokens]), attention_mask: int64([tokens.map(() => 1)]) })
    const reference = llama.referenceLogits(config, weights, tokens)
    expect(logits.dims).toEqual([1, tokens.length, config.vocabSize])
    const error = relativeError(logits.data as Float32Array, Float64Array.from(reference.flatMap(row => [...row])))
    expect(error).toBeLessThan(1e-4)
  })

  test('a left-padded batch gives each row the logits of its unpadded run', async () => {
    const { weights, model } = await forged(config, 12)
    const short = tokens.slice(0, 7)
    const padded = [...Array(tokens.length - short.length).fill(0), ...short]
    const mask = padded.map((_, i) => (i < tokens.length - short.length ? 0 : 1))
    const { logits } = await model({ input_ids: int64([tokens, padded]), attention_mask: int64([tokens.map(() => 1), mask]) })
    const data = logits.data as Float32Array
    const V = config.vocabSize
    const shortRows = data.subarray(tokens.length * V + (tokens.length - short.length) * V)
    const reference = llama.referenceLogits(config, weights, short).flatMap(row => [...row])
    expect(relativeError(shortRows, Float64Array.from(reference))).toBeLessThan(1e-4)
  })

  test('decoding through the KV cache gives the full forward pass logits', async () => {
    const { model } = await forged(config, 13)
    const full = (await model({ input_ids: int64([tokens]), attention_mask: int64([tokens.map(() => 1)]) })).logits.data as Float32Array
    const prompt = 5
    let step = await model({ input_ids: int64([tokens.slice(0, prompt)]), attention_mask: int64([tokens.slice(0, prompt).map(() => 1)]) })
    const V = config.vocabSize
    for (let t = prompt; t < tokens.length; t++) {
      step = await model({
        input_ids: int64([[tokens[t]!]]),
        attention_mask: int64([tokens.slice(0, t + 1).map(() => 1)]),
        past_key_values: pastFromPresent(step),
      })
      const incremental = step.logits.data as Float32Array
      expect(relativeError(incremental, full.subarray(t * V, (t + 1) * V))).toBeLessThan(1e-4)
    }
  })
})

test('transformers.js loads a forged model directory, tokenizes and generates', async () => {
  const { dir, model } = await forged(CONFIGS['GQA ratio 3, tied head']!, 14)
  const tok = await AutoTokenizer.from_pretrained(dir, { local_files_only: true })
  const inputs = tok('the cat sat')
  expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)[0]).toBe(1) // BOS prepended, as Llama's tokenizer does
  const output = (await model.generate({ ...inputs, max_new_tokens: 6, do_sample: false })) as Tensor
  expect(output.dims).toEqual([1, inputs.input_ids.dims[1]! + 6])
})
