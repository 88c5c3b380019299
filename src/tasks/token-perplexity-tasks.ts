import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { tokenMetrics } from './metric-definitions.ts'
import type { WindowMethod } from '../scoring/scorer.ts'
import type { TokenPerplexityTask } from './task-types.ts'
import { loadWikitext2RawTestText } from './wikitext2-raw-lines.ts'

type SlidingOptions = { readonly window: number; readonly stride: number }
type ChunkOptions = { readonly length: number }

const sliding = ({ window, stride }: SlidingOptions): WindowMethod => ({ type: 'sliding', maxLength: window, stride })
const chunks = ({ length }: ChunkOptions): WindowMethod => ({ type: 'chunks', length })

/** The first held-out Brown files, joined like WikiText's lines: real English the fixture models never saw. */
const BROWN_HELD_OUT_DOCUMENTS = 12

export const brownHeldOutPerplexity: TokenPerplexityTask<'brown_heldout_ppl', keyof typeof tokenMetrics, SlidingOptions> = {
  kind: 'token_perplexity',
  name: 'brown_heldout_ppl',
  version: '1.0',
  metrics: tokenMetrics,
  options: { window: 512, stride: 256 },
  method: sliding,
  loadText: async () => loadBrownCorpus().heldOut.slice(0, BROWN_HELD_OUT_DOCUMENTS).map(documentText).join('\n\n'),
}

export const wikitext2Sliding: TokenPerplexityTask<'wikitext2_sliding', keyof typeof tokenMetrics, SlidingOptions> = {
  kind: 'token_perplexity',
  name: 'wikitext2_sliding',
  version: '1.0',
  metrics: tokenMetrics,
  options: { window: 1024, stride: 512 },
  method: sliding,
  loadText: loadWikitext2RawTestText,
}

export const wikitext2Chunks: TokenPerplexityTask<'wikitext2_chunks', keyof typeof tokenMetrics, ChunkOptions> = {
  kind: 'token_perplexity',
  name: 'wikitext2_chunks',
  version: '1.0',
  metrics: tokenMetrics,
  options: { length: 2048 },
  method: chunks,
  loadText: loadWikitext2RawTestText,
}
