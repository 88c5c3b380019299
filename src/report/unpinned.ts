/** Unpinned revisions across a run, said loudly: on the console and at the top of report.md. */
import { unpinnedRevisions } from '../core/revisions.ts'
import type { ResultsDocument } from '../core/schema.ts'

/** Each unpinned model or dataset revision of the run, once. */
export function unpinnedInRun(doc: ResultsDocument): string[] {
  return [...new Set(doc.cases.flatMap(c => (c.record ? unpinnedRevisions(c.record) : [])))]
}

const WARNING = 'results on a branch or tag are not reproducible: pin each revision to a commit (the commit that ran is shown)'

export function unpinnedConsole(doc: ResultsDocument): string[] {
  const unpinned = unpinnedInRun(doc)
  return unpinned.length ? [`[lmscale] ⚠ ${unpinned.length} unpinned revisions: ${WARNING}`, ...unpinned.map(u => `  ⚠ ${u}`)] : []
}

export function unpinnedMarkdown(doc: ResultsDocument): string[] {
  const unpinned = unpinnedInRun(doc)
  return unpinned.length ? ['', `## ⚠ Unpinned revisions`, '', `${WARNING}.`, '', ...unpinned.map(u => `- ${u}`)] : []
}
