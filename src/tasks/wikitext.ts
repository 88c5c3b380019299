/**
 * WikiText-2 document level (spec §1.7): each page is scored whole (rolling windows) after detokenisation,
 * while words and bytes come from the original page, as lm-eval counts them.
 */
import { hubRollingTask } from './hub-task.ts'
import { PYTHON_WHITESPACE } from './python-strings.ts'
import type { RollingDocument } from './task-types.ts'
import { wikitextDetokenize } from './wikitext-detokenizer.ts'

const WHITESPACE_RUN = new RegExp(`[${PYTHON_WHITESPACE}]+`)

/** `len(re.split(r"\s+", page))`: leading or trailing whitespace each count as one empty word. */
export function wikitextWordCount(page: string): number {
  return page.split(WHITESPACE_RUN).length
}

export function wikitextDocument(page: string): RollingDocument {
  return { text: wikitextDetokenize(page), words: wikitextWordCount(page), bytes: Buffer.byteLength(page, 'utf8') }
}

export const wikitext = hubRollingTask({
  name: 'wikitext',
  version: '2.0',
  dataset: {
    datasetPath: 'EleutherAI/wikitext_document_level',
    datasetName: 'wikitext-2-raw-v1',
    split: 'test',
    repo: 'EleutherAI/wikitext_document_level',
    revision: 'main',
    path: 'wikitext-2-raw-v1/wikitext-2-raw-v1-test.parquet',
  },
  columns: { page: 'string' },
  toDocument: row => wikitextDocument(row.page),
})
