/** Writes that a reader never sees half done. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Writes through a temporary file in the same directory and renames it: a reader never sees half a file. On
 * failure (a read-only directory, a full disk) the temporary file is removed and the error names the path
 * (Node's ENOSPC names none), keeping the original as `cause`.
 */
export function writeFileAtomic(path: string, contents: string): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(temporary, contents)
    renameSync(temporary, path)
  } catch (error) {
    removeQuietly(temporary)
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`cannot write ${path}: ${reason}`, { cause: error })
  }
}

/** Cleanup must not replace the error it cleans up after (a temporary file under a non-directory cannot exist). */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true })
  } catch {}
}
