/**
 * One study name, one file: two files defining the same study (or names that map to the same case-file folder)
 * would overwrite each other's case files and baseline entries. Each worker claims the names its files define
 * in a folder shared by the run (created with `wx`, so the first file wins and the second is refused at
 * collection, naming both files).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { safeSegment } from './case-store.ts'

interface Claim {
  readonly study: string
  readonly file: string
}

export class StudyClaims {
  private file = '(unknown file)'
  private readonly inFile = new Set<string>()

  /** `dir` is this run's claims folder (none: only duplicates within a file are caught). */
  constructor(
    private readonly dir: string | undefined,
    private readonly root: string,
  ) {}

  /** Called as the runner starts collecting a file. */
  collecting(path: string): void {
    this.file = relative(this.root, path)
    this.inFile.clear()
  }

  claim(study: string): void {
    if (this.inFile.has(study)) throw new Error(`lmscale: study ${JSON.stringify(study)} is defined twice in ${this.file}; give each defineStudy its own name`)
    this.inFile.add(study)
    if (!this.dir) return
    mkdirSync(this.dir, { recursive: true })
    const path = join(this.dir, `${safeSegment(study)}.json`)
    const mine: Claim = { study, file: this.file }
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx' })
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const other = JSON.parse(readFileSync(path, 'utf8')) as Claim
    if (other.file === mine.file) return // the same file collected again (watch mode)
    const names =
      other.study === study
        ? `study ${JSON.stringify(study)} is defined`
        : `studies ${JSON.stringify(other.study)} and ${JSON.stringify(study)} (the same case-file folder) are defined`
    throw new Error(
      `lmscale: ${names} in both ${other.file} and ${mine.file}; their case files and baseline entries would overwrite each other. Give one of them another name`,
    )
  }
}

/**
 * The same check over a finished run's cases, for shards merged with --merge-reports (collected apart): one
 * message per case-file folder that cases of several files wrote to.
 */
export function studyFileConflicts(cases: readonly { readonly study: string; readonly file: string }[]): string[] {
  const byFolder = new Map<string, Map<string, string>>()
  for (const entry of cases) {
    const files = byFolder.get(safeSegment(entry.study)) ?? new Map<string, string>()
    byFolder.set(safeSegment(entry.study), files.set(entry.file, entry.study))
  }
  return [...byFolder.values()]
    .filter(files => files.size > 1)
    .map(
      files =>
        `lmscale: ${[...files].map(([file, study]) => `study ${JSON.stringify(study)} in ${file}`).join(' and ')} share one case-file folder and baseline; give each study its own name`,
    )
}
