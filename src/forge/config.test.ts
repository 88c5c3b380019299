import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ForgeInputError, type DecoderWeights } from './architecture.ts'
import type { DecoderConfig } from './config.ts'
import { forgeDecoder } from './forge-decoder.ts'
import { randomDecoderWeights } from './random-weights.ts'

const config: DecoderConfig = {
  vocabSize: 64,
  hiddenSize: 32,
  intermediateSize: 48,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  ropeTheta: 10_000,
  rmsNormEps: 1e-5,
  maxPositionEmbeddings: 64,
  tieWordEmbeddings: false,
  bosTokenId: 1,
  eosTokenId: 2,
}
const tokenizer = { json: {}, bosToken: '<s>', eosToken: '</s>', addBosToken: true }

async function expectRejected(cfg: DecoderConfig, weights: DecoderWeights, message: RegExp) {
  const outDir = join(await mkdtemp(join(tmpdir(), 'lmscale-bad-')), 'model')
  await expect(forgeDecoder(cfg, weights, tokenizer, outDir)).rejects.toThrow(message)
  await expect(forgeDecoder(cfg, weights, tokenizer, outDir)).rejects.toBeInstanceOf(ForgeInputError)
  expect(existsSync(outDir)).toBe(false) // nothing written
}

describe('a weights/config mismatch fails before anything is written', () => {
  const weights = randomDecoderWeights(config, 1)

  test('a missing tensor is named with its expected shape', async () => {
    const { 'model.layers.1.mlp.up_proj.weight': _, ...missing } = weights
    await expectRejected(config, missing, /missing tensor model\.layers\.1\.mlp\.up_proj\.weight: expected shape \[48, 32\]/)
  })

  test('a tensor of the wrong shape is named with both shapes', async () => {
    const wrong = { ...weights, 'model.layers.0.self_attn.k_proj.weight': { data: new Float32Array(32 * 32), shape: [32, 32] } }
    await expectRejected(config, wrong, /tensor model\.layers\.0\.self_attn\.k_proj\.weight has shape \[32, 32\], expected \[16, 32\]/)
  })

  test('heads that do not divide the hidden size are named', async () => {
    await expectRejected({ ...config, numHeads: 5, numKvHeads: 1 }, weights, /numHeads \(5\) does not divide config\.hiddenSize \(32\)/)
  })

  test('KV heads that do not divide the heads are named', async () => {
    await expectRejected({ ...config, numKvHeads: 3 }, weights, /numKvHeads \(3\) must divide config\.numHeads \(4\)/)
  })

  test('an LM head given for a tied model is rejected', async () => {
    await expectRejected({ ...config, tieWordEmbeddings: true }, weights, /unexpected tensor lm_head\.weight \(the config ties/)
  })
})
