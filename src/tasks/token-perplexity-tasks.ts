import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { tokenMetrics } from './metric-definitions.ts'
import type { TokenPerplexityTask } from './task-types.ts'
import { loadWikitext2RawTestText } from './wikitext2-raw-lines.ts'

/** The first held-out Brown files, joined like WikiText's lines: real English the fixture models never saw. */
const BROWN_HELD_OUT_DOCUMENTS = 12

export const brownHeldOutPerplexity: TokenPerplexityTask<'brown_heldout_ppl', keyof typeof tokenMetrics> = {
  kind: 'token_perplexity',
  name: 'brown_heldout_ppl',
  version: '1.0',
  metrics: tokenMetrics,
  method: { type: 'sliding', maxLength: 512, stride: 256 },
  loadText: async () => loadBrownCorpus().heldOut.slice(0, BROWN_HELD_OUT_DOCUMENTS).map(documentText).join('\n\n'),
}

export const wikitext2Sliding: TokenPerplexityTask<'wikitext2_sliding', keyof typeof tokenMetrics> = {
  kind: 'token_perplexity',
  name: 'wikitext2_sliding',
  version: '1.0',
  metrics: tokenMetrics,
  method: { type: 'sliding', maxLength: 1024, stride: 512 },
  loadText: loadWikitext2RawTestText,
}

export const wikitext2Chunks: TokenPerplexityTask<'wikitext2_chunks', keyof typeof tokenMetrics> = {
  kind: 'token_perplexity',
  name: 'wikitext2_chunks',
  version: '1.0',
  metrics: tokenMetrics,
  method: { type: 'chunks', length: 2048 },
  loadText: loadWikitext2RawTestText,
}
