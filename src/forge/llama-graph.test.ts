import { AutoTokenizer, type Tensor } from '@huggingface/transformers'
import { expect, test } from 'vitest'
import type { DecoderConfig } from './config.ts'
import { llama } from './llama.ts'
import { randomDecoderWeights } from './random-weights.ts'
import { describeForgedDecoder, forgeAndLoad } from '../../test-support/forged-decoder-suite.ts'

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

describeForgedDecoder(llama, CONFIGS, randomDecoderWeights)

test('transformers.js loads a forged model directory, tokenizes and generates', async () => {
  const { dir, model } = await forgeAndLoad(llama, CONFIGS['GQA ratio 3, tied head']!, randomDecoderWeights(CONFIGS['GQA ratio 3, tied head']!, 14))
  const tok = await AutoTokenizer.from_pretrained(dir, { local_files_only: true })
  const inputs = tok('the cat sat')
  expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)[0]).toBe(1) // BOS prepended, as Llama's tokenizer does
  const output = (await model.generate({ ...inputs, max_new_tokens: 6, do_sample: false })) as Tensor
  expect(output.dims).toEqual([1, inputs.input_ids.dims[1]! + 6])
})
