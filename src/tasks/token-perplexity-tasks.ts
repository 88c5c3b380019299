/**
 * Token-level perplexity tasks: one text scored under a window plan, reported as token perplexity, mean NLL
 * in nats and bits per byte. These are the numbers papers print as "WikiText-2 PPL", unlike lm-eval's
 * document-level word perplexity (wikitext task): the two are not comparable (lm-eval issue #2301).
 */
import type { DataOptions } from '../data/data-options.ts'
import { documentText, loadBrownCorpus } from '../forge/brown-corpus.ts'
import { loadWikitext2RawTestText } from './wikitext2-raw-lines.ts'

export type TokenPerplexityMetric = 'perplexity' | 'nll' | 'bits_per_byte'

export type WindowMethod =
  /** The Hugging Face docs' sliding window (the prior study used 1024 / 512). */
  | { readonly type: 'sliding'; readonly maxLength: number; readonly stride: number }
  /** Non-overlapping chunks, remainder dropped (MobileLLM's eval.py uses 2048). */
  | { readonly type: 'chunks'; readonly length: number }

export interface TokenPerplexityTask<Name extends string = string> {
  readonly kind: 'token_perplexity'
  readonly name: Name
  readonly version: string
  readonly metrics: readonly TokenPerplexityMetric[]
  readonly method: WindowMethod
  loadText(options: DataOptions): Promise<string>
}

const METRICS = ['perplexity', 'nll', 'bits_per_byte'] as const

/** The first held-out Brown files, joined like WikiText's lines: real English the fixture models never saw. */
const BROWN_HELD_OUT_DOCUMENTS = 12

export const brownHeldOutPerplexity: TokenPerplexityTask<'brown_heldout_ppl'> = {
  kind: 'token_perplexity',
  name: 'brown_heldout_ppl',
  version: '1.0',
  metrics: METRICS,
  method: { type: 'sliding', maxLength: 512, stride: 256 },
  loadText: async () => loadBrownCorpus().heldOut.slice(0, BROWN_HELD_OUT_DOCUMENTS).map(documentText).join('\n\n'),
}

export const wikitext2Sliding: TokenPerplexityTask<'wikitext2_sliding'> = {
  kind: 'token_perplexity',
  name: 'wikitext2_sliding',
  version: '1.0',
  metrics: METRICS,
  method: { type: 'sliding', maxLength: 1024, stride: 512 },
  loadText: loadWikitext2RawTestText,
}

export const wikitext2Chunks: TokenPerplexityTask<'wikitext2_chunks'> = {
  kind: 'token_perplexity',
  name: 'wikitext2_chunks',
  version: '1.0',
  metrics: METRICS,
  method: { type: 'chunks', length: 2048 },
  loadText: loadWikitext2RawTestText,
}
