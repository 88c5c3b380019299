/** Per-case result files under <reportsDir>/cases/: written atomically as each case ends, read back to resume. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file.ts'
import { caseFileSchema, RESULTS_SCHEMA_VERSION } from '../core/schema.ts'
import type { CaseFile, CaseRecord } from '../core/schema.ts'
import type { CaseItems } from '../core/executor.ts'

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_')
}

export function caseFilePath(reportsDir: string, study: string, model: string, task: string): string {
  return join(reportsDir, 'cases', safeSegment(study), safeSegment(model), `${safeSegment(task)}.json`)
}

export function writeCaseFile(path: string, record: CaseRecord, items: CaseItems): void {
  const file: CaseFile = { schemaVersion: RESULTS_SCHEMA_VERSION, record, itemKind: items.kind, items: [...items.items] }
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`)
}

/** The stored case, or undefined when there is none; a corrupt file is an error naming it. */
export function readCaseFile(path: string): CaseFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const parsed = caseFileSchema.safeParse(JSON.parse(text))
  if (!parsed.success) {
    throw new Error(`lmscale: stored case ${path} does not match the results schema (${parsed.error.issues[0]?.message}); delete it to recompute`)
  }
  return parsed.data
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
