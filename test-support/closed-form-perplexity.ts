/**
 * The held-out Brown perplexity of a forged bigram fixture, from its files alone and without onnxruntime: the
 * independent answer a packaged run's brown_heldout_ppl must match.
 */
import { join } from 'node:path'
import { AutoTokenizer } from '@huggingface/transformers'
import { dataOptionsFromEnv } from '../src/hub/hub-options.ts'
import { closedFormLogLikelihood, closedFormLogProbTable } from '../src/forge/bigram-model.ts'
import { BIGRAM_FAMILY, fixtureDecoderConfig } from '../src/forge/fixture-family.ts'
import { readSafetensors } from '../src/forge/safetensors.ts'
import { brownHeldOutPerplexity } from '../src/tasks/token-perplexity-tasks.ts'

export interface ClosedFormPerplexity {
  readonly perplexity: number
  /** Tokens predicted: every token after the first (BOS), as a sliding window scores them. */
  readonly scored: number
}

/** `modelDir` is a forged fixture's directory (model.safetensors, tokenizer.json) named `name` in the family. */
export async function closedFormHeldOutPerplexity(modelDir: string, name: string): Promise<ClosedFormPerplexity> {
  const spec = BIGRAM_FAMILY.find(m => m.name === name)
  if (!spec) throw new Error(`${name} is not a bigram fixture; bigram fixtures: ${BIGRAM_FAMILY.map(m => m.name).join(', ')}`)
  const config = fixtureDecoderConfig(spec)
  const table = closedFormLogProbTable(config, await readSafetensors(join(modelDir, 'model.safetensors')))
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true })
  const tokens = tokenizer.encode(await brownHeldOutPerplexity.loadText(dataOptionsFromEnv()))
  const scored = tokens.length - 1
  // A bigram model's window context is irrelevant beyond the previous token: the whole stream is one sum.
  return { perplexity: Math.exp(-closedFormLogLikelihood(table, config.vocabSize, tokens) / scored), scored }
}
