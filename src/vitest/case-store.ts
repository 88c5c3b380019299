/** Per-case result files under <reportsDir>/cases/: written atomically as each case ends, read back to resume. */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { caseFileSchema } from '../report/schema.ts'
import type { CaseFile, CaseRecord } from '../report/schema.ts'
import type { JsonValue } from './executor.ts'

/** Writes through a temporary file in the same directory and renames it: a reader never sees half a file. */
export function writeFileAtomic(path: string, contents: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_')
}

export function caseFilePath(reportsDir: string, study: string, model: string, task: string): string {
  return join(reportsDir, 'cases', safeSegment(study), safeSegment(model), `${safeSegment(task)}.json`)
}

/** sha256 of JSON with sorted keys, so the same options always give the same hash. */
export function canonicalHash(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map(key => `${JSON.stringify(key)}:${canonicalJson((value as { readonly [k: string]: JsonValue })[key]!)}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

export function writeCaseFile(path: string, record: CaseRecord, items: readonly JsonValue[]): void {
  const file: CaseFile = { schemaVersion: 1, record, items: [...items] }
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
