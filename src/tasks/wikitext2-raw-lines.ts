/**
 * The line-level WikiText-2 raw test split, for token-level sliding-window perplexity (spec §4, MobileLLM's
 * eval.py): the `text` rows joined with "\n\n" into one string. The window method itself lives elsewhere.
 */
import type { DataOptions } from '../hub/hub-options.ts'
import { loadRows } from '../data/load-rows.ts'
import type { HubSplit } from './hub-task.ts'

export const wikitext2RawLinesSource = {
  datasetPath: 'Salesforce/wikitext',
  datasetName: 'wikitext-2-raw-v1',
  split: 'test',
  repo: 'Salesforce/wikitext',
  revision: 'main',
  path: 'wikitext-2-raw-v1/test-00000-of-00001.parquet',
} as const satisfies HubSplit

export const wikitext2RawLinesColumns = { text: 'string' } as const

export function joinWikitextLines(lines: readonly string[]): string {
  return lines.join('\n\n')
}

export async function loadWikitext2RawTestText(options: DataOptions): Promise<string> {
  const { rows } = await loadRows(wikitext2RawLinesSource, wikitext2RawLinesColumns, options)
  return joinWikitextLines(rows.map(row => row.text))
}
