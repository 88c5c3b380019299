/**
 * The hub cache layout used by huggingface_hub: `<cache>/datasets--owner--name/refs/<revision>` holds the commit
 * a revision resolved to, and `snapshots/<commit>/<path>` holds the file. A 40-hex revision is its own commit.
 * A revision found in `refs/` is trusted without asking the hub again: pin commits for reproducible numbers.
 */
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { isCommitHash } from '../core/revisions.ts'
import type { HubDatasetFile, HubRepoKind } from './hub-file.ts'

export function repoCacheDir(cacheDir: string, repo: string, kind: HubRepoKind = 'dataset'): string {
  return join(cacheDir, `${kind}s--${repo.replaceAll('/', '--')}`)
}

export function snapshotPath(cacheDir: string, file: HubDatasetFile, commit: string): string {
  return join(repoCacheDir(cacheDir, file.repo, file.kind), 'snapshots', commit, ...file.path.split('/'))
}

function refPath(cacheDir: string, file: HubDatasetFile): string {
  return join(repoCacheDir(cacheDir, file.repo, file.kind), 'refs', ...file.revision.split('/'))
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

/** The commit the revision resolved to when it was last downloaded, if known. */
async function cachedCommit(cacheDir: string, file: HubDatasetFile): Promise<string | undefined> {
  if (isCommitHash(file.revision)) return file.revision
  const commit = await readFile(refPath(cacheDir, file), 'utf8').then(
    text => text.trim(),
    () => undefined,
  )
  return commit !== undefined && isCommitHash(commit) ? commit : undefined
}

/** The cached copy of the file, or undefined when the cache does not hold it. */
export async function findCachedFile(cacheDir: string, file: HubDatasetFile): Promise<string | undefined> {
  const commit = (await cachedCommit(cacheDir, file)) ?? file.revision
  const path = snapshotPath(cacheDir, file, commit)
  return (await exists(path)) ? path : undefined
}

/** Records which commit a branch or tag pointed to (atomically: temp file, then rename). */
export async function writeRef(cacheDir: string, file: HubDatasetFile, commit: string): Promise<void> {
  if (file.revision === commit) return
  const path = refPath(cacheDir, file)
  await mkdir(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temp, commit)
  await rename(temp, path)
}

/** The commit of a path inside a hub cache snapshot (`…/snapshots/<commit>/…`), or undefined for any other path. */
export function snapshotCommit(path: string): string | undefined {
  const match = /[\\/]snapshots[\\/]([0-9a-f]{40})(?:[\\/]|$)/.exec(path)
  return match?.[1]
}
