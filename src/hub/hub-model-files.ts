/**
 * A hub model repository at a revision, for one dtype, as a local snapshot directory in the transformers.js layout:
 * `<cache>/models--owner--name/snapshots/<commit>/` holding config.json, generation_config.json (when the repo has
 * one), tokenizer.json, tokenizer_config.json, onnx/model{suffix}.onnx and its external data (`.onnx_data`, when the
 * repo has it). The repo API's file listing says which files exist and their sizes and sha256; downloads go through
 * src/data (HF_TOKEN, HF_HUB_CACHE, HF_HUB_OFFLINE, atomic writes, size and hash checks). The ONNX graph is
 * downloaded last, so a cached graph means the snapshot's other files are complete: a cache hit makes no request.
 */
import type { Dtype } from '../core/executor.ts'
import { dirname, join } from 'node:path'
import { dataOptionsFromEnv, type DataOptions } from './hub-options.ts'
import { TransientDownloadError, withRetries } from './download-policy.ts'
import { DatasetError } from './file-errors.ts'
import { checkDatasetFile, type HubDatasetFile } from './hub-file.ts'
import { isCommitHash } from '../core/revisions.ts'
import { findCachedFile, repoCacheDir, writeRef } from './hub-cache.ts'
import { downloadToCache, fetchWithTimeout } from './hub-download.ts'
import { isExternalDataOf, ModelFilesError, ONNX_FILE_BY_DTYPE, OPTIONAL_MODEL_FILES, REQUIRED_MODEL_FILES } from './model-layout.ts'

export interface HubModelRef {
  /** `owner/name`, e.g. `onnx-community/MobileLLM-125M`. */
  readonly hub: string
  /** A 40-hex commit (reproducible) or a branch or tag. */
  readonly revision: string
}

export interface HubFileEntry {
  readonly path: string
  /** Bytes, from the listing with `?blobs=true`. */
  readonly size: number | undefined
  /** LFS files only. */
  readonly sha256: string | undefined
}

export interface HubModelListing extends HubModelRef {
  /** The commit the revision resolved to. */
  readonly commit: string
  readonly files: readonly HubFileEntry[]
}

function describeRef(ref: HubModelRef): string {
  return `${ref.hub}@${ref.revision}`
}

function checkRef(ref: HubModelRef): void {
  try {
    checkDatasetFile({ repo: ref.hub, revision: ref.revision, path: 'config.json' })
  } catch (error) {
    throw new ModelFilesError(`model ${describeRef(ref)}: ${(error as Error).message.replace('dataset ', '')}`, { cause: error })
  }
}

/** The repo API address that lists a revision's files with sizes and LFS hashes. */
export function hubModelInfoUrl(endpoint: string, ref: HubModelRef): string {
  return `${endpoint.replace(/\/+$/, '')}/api/models/${ref.hub}/revision/${encodeURIComponent(ref.revision)}?blobs=true`
}

function listingProblem(status: number): string {
  if (status === 401 || status === 403) return `the hub refused access (HTTP ${status}); set HF_TOKEN to a token that can read this model`
  if (status === 404) return 'repository or revision not found on the hub (HTTP 404); check the hub id and the pinned revision'
  return `the hub answered HTTP ${status}`
}

/** Reads a revision's file listing from the hub's repo API (never in offline mode). */
export async function listHubModel(ref: HubModelRef, options: DataOptions = dataOptionsFromEnv()): Promise<HubModelListing> {
  checkRef(ref)
  const where = describeRef(ref)
  if (options.offline) {
    throw new ModelFilesError(`${where}: cannot list the repository's files offline (HF_HUB_OFFLINE is set); unset it and make ${options.endpoint} reachable`)
  }
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}
  const url = hubModelInfoUrl(options.endpoint, ref)
  const response = await withRetries(options.download, async () => {
    const { response } = await fetchWithTimeout(options, url, { headers })
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel()
      throw new TransientDownloadError(listingProblem(response.status))
    }
    return response
  }).catch((error: unknown) => {
    if (!(error instanceof TransientDownloadError)) throw error
    throw new ModelFilesError(
      `${where}: ${error.message}; check the network or HF_ENDPOINT, or work offline ` +
        'with HF_HUB_OFFLINE=1 and a filled cache, or load the model from a local directory',
      { cause: error },
    )
  })
  if (!response.ok) {
    await response.body?.cancel()
    throw new ModelFilesError(`${where}: ${listingProblem(response.status)}`)
  }
  return parseListing(ref, await response.json().catch(() => undefined))
}

function parseListing(ref: HubModelRef, body: unknown): HubModelListing {
  const where = describeRef(ref)
  const info = body as { sha?: unknown; siblings?: unknown } | undefined
  if (!info || !Array.isArray(info.siblings)) throw new ModelFilesError(`${where}: the hub's repo API answered without a "siblings" file list`)
  const sha = typeof info.sha === 'string' && isCommitHash(info.sha) ? info.sha : undefined
  const commit = sha ?? (isCommitHash(ref.revision) ? ref.revision : undefined)
  if (commit === undefined) throw new ModelFilesError(`${where}: the hub's repo API did not say which commit the revision is ("sha")`)
  const files = info.siblings.map((entry: unknown, index: number): HubFileEntry => {
    const sibling = entry as { rfilename?: unknown; size?: unknown; lfs?: { sha256?: unknown; size?: unknown } }
    if (typeof sibling?.rfilename !== 'string') throw new ModelFilesError(`${where}: siblings[${index}] has no "rfilename"`)
    const size = typeof sibling.lfs?.size === 'number' ? sibling.lfs.size : typeof sibling.size === 'number' ? sibling.size : undefined
    const sha256 = typeof sibling.lfs?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(sibling.lfs.sha256) ? sibling.lfs.sha256 : undefined
    return { path: sibling.rfilename, size, sha256 }
  })
  return { ...ref, commit, files }
}

/** The files a dtype needs from a listing, ONNX graph last; throws naming what is missing and what the repo offers. */
export function modelFilesFor(listing: HubModelListing, dtype: Dtype): HubFileEntry[] {
  const graph = ONNX_FILE_BY_DTYPE[dtype]
  const byPath = new Map(listing.files.map(file => [file.path, file]))
  const missing = [...REQUIRED_MODEL_FILES, graph].filter(path => !byPath.has(path))
  if (missing.length > 0) {
    const offered = (Object.entries(ONNX_FILE_BY_DTYPE) as [Dtype, string][]).filter(([, path]) => byPath.has(path)).map(([d]) => d)
    throw new ModelFilesError(
      `${listing.hub}@${listing.revision} (commit ${listing.commit}) has no ${missing.join(', ')}` +
        (missing.includes(graph) ? ` for dtype ${dtype}; dtypes this repository offers: ${offered.join(', ') || 'none'}` : '') +
        '; check the hub id, revision and dtype',
    )
  }
  const pick = (path: string) => byPath.get(path)!
  return [
    ...REQUIRED_MODEL_FILES.map(pick),
    ...OPTIONAL_MODEL_FILES.filter(path => byPath.has(path)).map(pick),
    ...listing.files.filter(file => isExternalDataOf(graph, file.path)),
    pick(graph),
  ]
}

const hubFile = (ref: HubModelRef, revision: string, path: string): HubDatasetFile => ({ repo: ref.hub, revision, path, kind: 'model' })

/** The cached snapshot directory when the required files and the graph are all there, else undefined. */
async function cachedSnapshot(ref: HubModelRef, dtype: Dtype, cacheDir: string): Promise<string | undefined> {
  // The graph is checked first: it is written last, so its presence vouches for the others.
  const paths = [ONNX_FILE_BY_DTYPE[dtype], ...REQUIRED_MODEL_FILES]
  const found: string[] = []
  for (const path of paths) {
    const cached = await findCachedFile(cacheDir, hubFile(ref, ref.revision, path))
    if (cached === undefined) return undefined
    found.push(cached)
  }
  return dirname(found[1]!)
}

/**
 * A local directory in the transformers.js layout for `ref` at `dtype`: the cache's snapshot if complete (no request),
 * else downloaded (unless offline) after listing the revision's files.
 */
export async function resolveHubModel(ref: HubModelRef, dtype: Dtype, options: DataOptions = dataOptionsFromEnv()): Promise<string> {
  checkRef(ref)
  const cached = await cachedSnapshot(ref, dtype, options.cacheDir)
  if (cached !== undefined) return cached
  if (options.offline) {
    throw new ModelFilesError(
      `${describeRef(ref)}: offline (HF_HUB_OFFLINE is set) and ${ONNX_FILE_BY_DTYPE[dtype]} (dtype ${dtype}) with its tokenizer and ` +
        `config is not in the cache under ${repoCacheDir(options.cacheDir, ref.hub, 'model')}; download it once online, or load the model from a local directory`,
    )
  }
  const listing = await listHubModel(ref, options)
  try {
    for (const file of modelFilesFor(listing, dtype)) {
      const location = hubFile(ref, listing.commit, file.path)
      if ((await findCachedFile(options.cacheDir, location)) !== undefined) continue
      await downloadToCache(location, options, {
        ...(file.size === undefined ? {} : { size: file.size }),
        ...(file.sha256 === undefined ? {} : { sha256: file.sha256 }),
      })
    }
  } catch (error) {
    throw error instanceof DatasetError ? new ModelFilesError(error.message, { cause: error }) : error
  }
  await writeRef(options.cacheDir, hubFile(ref, ref.revision, 'config.json'), listing.commit)
  return join(repoCacheDir(options.cacheDir, ref.hub, 'model'), 'snapshots', listing.commit)
}
