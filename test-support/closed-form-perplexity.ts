/**
 * The held-out Brown perplexity of a forged bigram fixture, from its files alone and without onnxruntime: the
 * independent answer a packaged run's brown_heldout_ppl must match.
 */
import { AutoTokenizer } from '@huggingface/transformers'
import { dataOptionsFromEnv } from '../src/hub/hub-options.ts'
import { closedFormLogLikelihood } from '../src/forge/bigram-model.ts'
import { bigramFixture, closedFormTableOf } from './bigram-fixtures.ts'
import { brownHeldOutPerplexity } from '../src/tasks/token-perplexity-tasks.ts'

export interface ClosedFormPerplexity {
  readonly perplexity: number
  /** Tokens predicted: every token after the first (BOS), as a sliding window scores them. */
  readonly scored: number
  /** −log₂ likelihood of the scored tokens over the UTF-8 bytes of the whole text. */
  readonly bitsPerByte: number
}

/**
 * `modelDir` is a forged fixture's directory (model.safetensors, tokenizer.json) named `name` in the family; `text`
 * defaults to brown_heldout_ppl's.
 */
export async function closedFormHeldOutPerplexity(modelDir: string, name: string, text?: string): Promise<ClosedFormPerplexity> {
  const fixture = bigramFixture(name)
  const table = await closedFormTableOf(fixture, modelDir)
  const tokenizer = await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true })
  text ??= await brownHeldOutPerplexity.loadText(dataOptionsFromEnv())
  const tokens = tokenizer.encode(text)
  const scored = tokens.length - 1
  // A bigram model's window context is irrelevant beyond the previous token: the whole stream is one sum.
  const logLikelihood = closedFormLogLikelihood(table, fixture.vocabSize, tokens)
  const bytes = Buffer.byteLength(text, 'utf8')
  return { perplexity: Math.exp(-logLikelihood / scored), scored, bitsPerByte: -logLikelihood / (Math.LN2 * bytes) }
}
