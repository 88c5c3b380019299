/** Per-case result files under <reportsDir>/cases/: written atomically as each case ends, read back to resume. */
import { readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file.ts'
import { caseFileSchema, RESULTS_SCHEMA_VERSION } from '../core/schema.ts'
import type { CaseFile, CaseRecord } from '../core/schema.ts'
import type { CaseItems } from '../core/executor.ts'

/** A name as one path segment: what case files and study claims are keyed by. */
export function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_')
}

export function caseFilePath(reportsDir: string, study: string, model: string, task: string): string {
  return join(reportsDir, 'cases', safeSegment(study), safeSegment(model), `${safeSegment(task)}.json`)
}

export function writeCaseFile(path: string, record: CaseRecord, items: CaseItems): void {
  const file: CaseFile = { schemaVersion: RESULTS_SCHEMA_VERSION, record, itemKind: items.kind, items: [...items.items] }
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`)
}

/** The stored case, or why it cannot be used. */
function caseFileProblem(text: string): { problem: string } | { file: CaseFile } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message})` }
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion
  if (version !== RESULTS_SCHEMA_VERSION) {
    return { problem: `has schemaVersion ${JSON.stringify(version)}, but this lmscale writes version ${RESULTS_SCHEMA_VERSION}` }
  }
  const parsed = caseFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { problem: `does not match the results schema (${issue?.path.join('.') || '(file)'}: ${issue?.message})` }
  }
  return { file: parsed.data }
}

/**
 * The stored case, or undefined when there is none or it cannot be used: a corrupt or older file is renamed
 * aside (never deleted: it may be the only copy of a long computation), `onSetAside` says where, and the case is
 * recomputed.
 */
export function readCaseFile(path: string, onSetAside: (message: string) => void): CaseFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`lmscale: cannot read the stored case ${path}: ${(error as Error).message}`, { cause: error })
  }
  const checked = caseFileProblem(text)
  if ('file' in checked) return checked.file
  const aside = `${path}.set-aside-${new Date().toISOString().replace(/[:.]/g, '-')}`
  renameSync(path, aside)
  onSetAside(`lmscale: the stored case ${path} ${checked.problem}; moved it to ${aside} and recomputing the case`)
  return undefined
}

export interface ResumeKey {
  readonly modelHash: string
  readonly taskVersion: string
  readonly optionsHash: string
}

/** A stored record is reused only for the same model files, task version and options. */
export function matchesResumeKey(record: CaseRecord, key: ResumeKey): boolean {
  return record.model.hash === key.modelHash && record.task.version === key.taskVersion && record.optionsHash === key.optionsHash
}
