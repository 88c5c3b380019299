import { mkdtemp } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ForgeInputError } from './architecture.ts'
import { forgeDecoder } from './forge-decoder.ts'
import { gptNeox } from './gpt-neox.ts'
import type { GptNeoxConfig } from './gpt-neox-config.ts'
import { randomGptNeoxWeights } from './random-weights.ts'
import { describeForgedDecoder, TINY_TOKENIZER } from '../../test-support/forged-decoder-suite.ts'

const base = { vocabSize: 300, rotaryEmbBase: 10_000, layerNormEps: 1e-5, maxPositionEmbeddings: 256, bosTokenId: 1, eosTokenId: 2 }
const CONFIGS: Record<string, GptNeoxConfig> = {
  'Pythia-like: parallel residual, rotary_pct 0.25': {
    ...base,
    hiddenSize: 128,
    intermediateSize: 512,
    numLayers: 2,
    numHeads: 4,
    rotaryPct: 0.25,
    useParallelResidual: true,
  },
  'sequential residual, rotary_pct 0.5, base 500k': {
    ...base,
    hiddenSize: 96,
    intermediateSize: 256,
    numLayers: 3,
    numHeads: 3,
    rotaryPct: 0.5,
    rotaryEmbBase: 500_000,
    useParallelResidual: false,
  },
  'full rotary, 8 heads of 8': { ...base, hiddenSize: 64, intermediateSize: 192, numLayers: 2, numHeads: 8, rotaryPct: 1, useParallelResidual: true },
}

describeForgedDecoder(gptNeox, CONFIGS, randomGptNeoxWeights)

describe('bad GPT-NeoX input fails before anything is written', () => {
  const config = CONFIGS['Pythia-like: parallel residual, rotary_pct 0.25']!
  const weights = randomGptNeoxWeights(config, 1)
  const rejected = async (cfg: GptNeoxConfig, w: typeof weights, message: RegExp) => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'lmscale-bad-neox-')), 'model')
    const attempt = forgeDecoder(cfg, w, TINY_TOKENIZER, outDir, gptNeox)
    await expect(attempt).rejects.toThrow(message)
    await expect(attempt).rejects.toBeInstanceOf(ForgeInputError)
    expect(existsSync(outDir)).toBe(false)
  }

  test('a rotary fraction giving an odd channel count is named', async () => {
    await rejected({ ...config, rotaryPct: 0.1 }, weights, /rotaryPct 0\.1 rotates 3 of 32 channels per head/)
  })

  test('a missing fused QKV bias is named with its shape', async () => {
    const { 'gpt_neox.layers.1.attention.query_key_value.bias': _, ...missing } = weights
    await rejected(config, missing, /missing tensor gpt_neox\.layers\.1\.attention\.query_key_value\.bias: expected shape \[384\]/)
  })
})
