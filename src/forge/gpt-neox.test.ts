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
import { GPT_NEOX_TEST_CONFIGS as CONFIGS } from '../../test-support/gpt-neox-configs.ts'

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
