/**
 * Where a dataset file lives on the Hugging Face hub: repository, revision and path inside the repository.
 * The same relative location is used by the cache (`snapshots/<commit>/<path>`) and by a local data directory
 * (`<dir>/<repo>/<path>`), so one description finds the file everywhere.
 */

/** The public hub's address; HF_ENDPOINT overrides it (mirrors, enterprise hubs, test servers). */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co'

/** Datasets live under `/datasets/` on the hub and in `datasets--owner--name` caches; models have no URL prefix. */
export type HubRepoKind = 'dataset' | 'model'

export interface HubDatasetFile {
  /** `owner/name`, e.g. `allenai/ai2_arc`. */
  readonly repo: string
  /** A branch, tag, `refs/convert/parquet`, or a 40-hex commit (pin it for reproducible numbers). */
  readonly revision: string
  /** Path inside the repository, e.g. `ARC-Easy/test-00000-of-00001.parquet`. */
  readonly path: string
  /** Which kind of repository holds the file; 'dataset' when absent. */
  readonly kind?: HubRepoKind
}

/** `owner/name@revision:path`, for messages. */
export function describeFile(file: HubDatasetFile): string {
  return `${file.repo}@${file.revision}:${file.path}`
}

/** The hub's resolve URL; the revision is one URL segment, so `refs/convert/parquet` is percent-encoded. */
export function hubFileUrl(endpoint: string, file: HubDatasetFile): string {
  const path = file.path.split('/').map(encodeURIComponent).join('/')
  const prefix = file.kind === 'model' ? '' : '/datasets'
  return `${endpoint.replace(/\/+$/, '')}${prefix}/${file.repo}/resolve/${encodeURIComponent(file.revision)}/${path}`
}

const REPO_PATTERN = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/

/** Rejects locations that could escape the cache or the local directory (`..`, absolute paths). */
export function checkDatasetFile(file: HubDatasetFile): void {
  if (!REPO_PATTERN.test(file.repo)) {
    throw new Error(`dataset repo "${file.repo}" is not of the form owner/name`)
  }
  for (const [field, value] of [
    ['revision', file.revision],
    ['path', file.path],
  ] as const) {
    const segments = value.split('/')
    if (value === '' || segments.some(s => s === '' || s === '.' || s === '..')) {
      throw new Error(`dataset ${field} "${value}" of ${file.repo} must be a relative path without empty, "." or ".." segments`)
    }
  }
}
