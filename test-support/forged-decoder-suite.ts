/**
 * The checks every forged architecture passes, run through transformers.js's own model class: logits equal the
 * architecture's float64 reference forward, a left-padded batch equals each row's unpadded run, and decoding
 * through the KV cache equals the full forward pass.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoModelForCausalLM, Tensor } from '@huggingface/transformers'
import { describe, expect, test } from 'vitest'
import type { Architecture, BaseConfig, DecoderWeights } from '../src/forge/architecture.ts'
import { byteLevelTokenizerJson, countPieces, SPECIAL_TOKENS, trainByteLevelBpe } from '../src/forge/byte-level-bpe.ts'
import { forgeDecoder } from '../src/forge/forge-decoder.ts'

/** A 300-token byte-level BPE, enough for configs whose vocabSize is 300. */
export const TINY_TOKENIZER = {
  json: byteLevelTokenizerJson(trainByteLevelBpe(countPieces(['the cat sat on the mat and the dog sat on the log']), 300)),
  bosToken: SPECIAL_TOKENS.bos,
  eosToken: SPECIAL_TOKENS.eos,
  addBosToken: true,
}

export async function forgeAndLoad<Config extends BaseConfig>(architecture: Architecture<Config>, config: Config, weights: DecoderWeights) {
  const dir = await forgeDecoder(config, weights, TINY_TOKENIZER, join(await mkdtemp(join(tmpdir(), 'lmscale-forge-')), 'model'), architecture)
  const model = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', device: 'cpu', local_files_only: true })
  return { dir, model }
}

export const int64 = (rows: number[][]) => new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length])

/** The previous step's present.{i}.* outputs under the past_key_values.{i}.* names the next step feeds. */
function pastFromPresent(outputs: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([name]) => name.startsWith('present.'))
      .map(([name, tensor]) => [name.replace('present.', 'past_key_values.'), tensor]),
  )
}

/** max |a − b| / max |b| over the compared entries. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!))
    scale = Math.max(scale, Math.abs(expected[i]!))
  }
  return diff / scale
}

export function describeForgedDecoder<Config extends BaseConfig & { vocabSize: number }>(
  architecture: Architecture<Config>,
  configs: Record<string, Config>,
  weightsFor: (config: Config, seed: number) => DecoderWeights,
): void {
  describe.each(Object.entries(configs))(`forged ${architecture.name} decoder (%s)`, (_, config) => {
    const tokens = [1, 17, 40, 99, 5, 260, 31, 8, 77, 150, 12, 3]
    const V = config.vocabSize

    test('logits match the float64 reference forward within 1e-4 relative', async () => {
      const weights = weightsFor(config, 11)
      const { model } = await forgeAndLoad(architecture, config, weights)
      const { logits } = await model({ input_ids: int64([tokens]), attention_mask: int64([tokens.map(() => 1)]) })
      const reference = architecture.referenceLogits(config, weights, tokens)
      expect(logits.dims).toEqual([1, tokens.length, V])
      expect(relativeError(logits.data as Float32Array, Float64Array.from(reference.flatMap(row => [...row])))).toBeLessThan(1e-4)
    })

    test('a left-padded batch gives each row the logits of its unpadded run', async () => {
      const weights = weightsFor(config, 12)
      const { model } = await forgeAndLoad(architecture, config, weights)
      const short = tokens.slice(0, 7)
      const padded = [...Array(tokens.length - short.length).fill(0), ...short]
      const mask = padded.map((_, i) => (i < tokens.length - short.length ? 0 : 1))
      const { logits } = await model({ input_ids: int64([tokens, padded]), attention_mask: int64([tokens.map(() => 1), mask]) })
      const shortRows = (logits.data as Float32Array).subarray(tokens.length * V + (tokens.length - short.length) * V)
      const reference = architecture.referenceLogits(config, weights, short).flatMap(row => [...row])
      expect(relativeError(shortRows, Float64Array.from(reference))).toBeLessThan(1e-4)
    })

    test('decoding through the KV cache gives the full forward pass logits', async () => {
      const { model } = await forgeAndLoad(architecture, config, weightsFor(config, 13))
      const full = (await model({ input_ids: int64([tokens]), attention_mask: int64([tokens.map(() => 1)]) })).logits.data as Float32Array
      const prompt = 5
      let step = await model({ input_ids: int64([tokens.slice(0, prompt)]), attention_mask: int64([tokens.slice(0, prompt).map(() => 1)]) })
      for (let t = prompt; t < tokens.length; t++) {
        step = await model({
          input_ids: int64([[tokens[t]!]]),
          attention_mask: int64([tokens.slice(0, t + 1).map(() => 1)]),
          past_key_values: pastFromPresent(step),
        })
        expect(relativeError(step.logits.data as Float32Array, full.subarray(t * V, (t + 1) * V))).toBeLessThan(1e-4)
      }
    })
  })
}
