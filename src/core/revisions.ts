/**
 * Pinned revisions: a result is reproducible only when every model and dataset revision it names is a commit. A
 * branch or tag moves, so a gating run on one says so (console and report.md) and fails under strict revisions.
 */
import type { CaseRecord } from './schema.ts'

const COMMIT_PATTERN = /^[0-9a-f]{40}$/

export function isCommitHash(revision: string): boolean {
  return COMMIT_PATTERN.test(revision)
}

/** Each revision of a case that is not a commit, e.g. `model MobileLLM-125M: onnx-community/MobileLLM-125M@main (ran 1a2b…)`. */
export function unpinnedRevisions(record: CaseRecord): string[] {
  const found: string[] = []
  const { revision, commit, source, name } = record.model
  if (revision !== null && !isCommitHash(revision)) found.push(`model ${name}: ${source}@${revision}${commit ? ` (ran ${commit})` : ''}`)
  for (const file of record.data ?? []) {
    if (!isCommitHash(file.revision)) found.push(`dataset ${file.repo}@${file.revision}:${file.path}${file.commit ? ` (ran ${file.commit})` : ''}`)
  }
  return found
}
