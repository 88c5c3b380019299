/**
 * Hugging Face's GPTNeoXForCausalLM on the very weights the forge wrote (model.safetensors + config.json) gives
 * the logits of the forged ONNX graph. Needs a Python with torch and transformers: set LMSCALE_PYTHON to it
 * (e.g. a scratch venv); skipped otherwise, since CI machines have neither.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { gptNeox } from './gpt-neox.ts'
import { randomGptNeoxWeights } from './random-weights.ts'
import { writeSafetensors } from './safetensors.ts'
import { forgeAndLoad, int64, relativeError } from '../../test-support/forged-decoder-suite.ts'
import { GPT_NEOX_TEST_CONFIGS } from '../../test-support/gpt-neox-configs.ts'

const python = process.env.LMSCALE_PYTHON
const CONFIGS = GPT_NEOX_TEST_CONFIGS

describe.skipIf(!python)('GPT-NeoX forge against Hugging Face transformers (LMSCALE_PYTHON)', () => {
  test.each(Object.entries(CONFIGS))('%s: GPTNeoXForCausalLM gives the ONNX logits within 1e-4 relative', async (_, config) => {
    const weights = randomGptNeoxWeights(config, 21)
    const { dir, model } = await forgeAndLoad(gptNeox, config, weights)
    await writeSafetensors(join(dir, 'model.safetensors'), weights)
    const tokens = [1, 17, 40, 99, 5, 260, 31, 8, 77, 150, 12, 3]
    const onnx = (await model({ input_ids: int64([tokens]), attention_mask: int64([tokens.map(() => 1)]) })).logits.data as Float32Array
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'transformers-logits.py')
    const output = JSON.parse(execFileSync(python!, [script, dir, JSON.stringify(tokens)], { encoding: 'utf8', maxBuffer: 1 << 26 })) as {
      transformers: string
      class: string
      logits: number[][]
    }
    expect(output.class).toBe('GPTNeoXForCausalLM')
    const error = relativeError(onnx, Float64Array.from(output.logits.flat()))
    console.log(`${_}: transformers ${output.transformers} vs onnxruntime, max relative difference ${error.toExponential(2)}`)
    expect(error).toBeLessThan(1e-4)
  })
})
