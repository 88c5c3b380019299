/**
 * Finds a dataset file on this machine, downloading it only when allowed: the local directory if one is set
 * (and nothing else), else the hub cache, else (unless offline) the hub.
 */
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { DataOptions } from './hub-options.ts'
import { DatasetError } from './file-errors.ts'
import { checkDatasetFile, describeFile, type HubDatasetFile } from './hub-file.ts'
import { fileSha256 } from './file-sha256.ts'
import { isCommitHash } from '../core/revisions.ts'
import { findCachedFile, repoCacheDir, snapshotCommit } from './hub-cache.ts'
import { downloadToCache } from './hub-download.ts'

/** `<localDir>/<repo>/<path>`: the layout the fixture generator writes and air-gapped CI provides. */
export function localDatasetPath(localDir: string, file: HubDatasetFile): string {
  return join(localDir, ...file.repo.split('/'), ...file.path.split('/'))
}

export async function resolveDatasetFile(file: HubDatasetFile, options: DataOptions): Promise<string> {
  const path = await findDatasetFile(file, options)
  if (options.onFile) {
    const commit = snapshotCommit(path) ?? (isCommitHash(file.revision) ? file.revision : null)
    options.onFile({ repo: file.repo, revision: file.revision, path: file.path, commit, sha256: await fileSha256(path) })
  }
  return path
}

async function findDatasetFile(file: HubDatasetFile, options: DataOptions): Promise<string> {
  checkDatasetFile(file)
  if (options.localDir !== undefined) {
    const path = localDatasetPath(options.localDir, file)
    const found = await access(path).then(
      () => true,
      () => false,
    )
    if (!found) {
      throw new DatasetError(describeFile(file), `not in the local data directory: expected ${path} (LMSCALE_DATA_DIR)`)
    }
    return path
  }
  const cached = await findCachedFile(options.cacheDir, file)
  if (cached !== undefined) return cached
  if (options.offline) {
    throw new DatasetError(
      describeFile(file),
      `offline (HF_HUB_OFFLINE) and not in the cache under ${repoCacheDir(options.cacheDir, file.repo, file.kind)}; ` +
        'download it once online, or point LMSCALE_DATA_DIR at a folder holding <repo>/<path>',
    )
  }
  return downloadToCache(file, options)
}
