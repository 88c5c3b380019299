/**
 * Downloads one dataset file from the hub into the cache. The first response (redirects not followed) carries
 * the hub's metadata: `X-Repo-Commit`, and for LFS files `X-Linked-Size` and `X-Linked-Etag` (the sha256 oid).
 * The body goes to a temporary file and is renamed into place only after its size (and sha256, when the hub
 * gives one) match, so a cached file is always complete.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { DataOptions } from './hub-options.ts'
import { DatasetError } from './file-errors.ts'
import { describeFile, hubFileUrl, type HubDatasetFile } from './hub-file.ts'
import { isCommitHash } from '../core/revisions.ts'
import { snapshotPath, writeRef } from './hub-cache.ts'

interface FileMetadata {
  readonly commit: string
  readonly size: number | undefined
  readonly sha256: string | undefined
}

function readMetadata(headers: Headers, file: HubDatasetFile): FileMetadata {
  const commit = headers.get('x-repo-commit') ?? undefined
  const sizeText = headers.get('x-linked-size') ?? headers.get('content-length')
  const etag = (headers.get('x-linked-etag') ?? headers.get('etag') ?? '').replace(/^W\//, '').replaceAll('"', '')
  return {
    // A server without X-Repo-Commit (a plain mirror) keys the snapshot by the revision itself.
    commit: commit !== undefined && isCommitHash(commit) ? commit : file.revision,
    size: sizeText === null ? undefined : Number(sizeText),
    // Non-LFS files have a git blob sha1 as etag, which is not a content hash; only a 64-hex oid is sha256.
    sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined,
  }
}

function httpProblem(status: number, file: HubDatasetFile): string {
  if (status === 401 || status === 403) {
    return `the hub refused access (HTTP ${status}); set HF_TOKEN to a token that can read this ${file.kind ?? 'dataset'}`
  }
  if (status === 404) return 'not found on the hub (HTTP 404); check the repo, revision and path'
  return `the hub answered HTTP ${status}`
}

async function request(options: DataOptions, url: string, file: HubDatasetFile, init: RequestInit): Promise<Response> {
  try {
    return await options.fetch(url, init)
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
    throw new DatasetError(
      describeFile(file),
      `could not reach ${options.endpoint} (${cause}); work offline with HF_HUB_OFFLINE=1 and a filled cache, or ` +
        (file.kind === 'model' ? 'load the model from a local directory' : 'set LMSCALE_DATA_DIR'),
    )
  }
}

/** Streams the body to `temp`, returning its byte count and sha256. */
async function writeBody(response: Response, temp: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  const handle = await open(temp, 'w')
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        hash.update(chunk)
        size += chunk.byteLength
        await handle.write(chunk)
      }
    }
  } finally {
    await handle.close()
  }
  return { size, sha256: hash.digest('hex') }
}

/** What the hub's file listing (the repo API) says about a file; checked in addition to the response headers. */
export interface ExpectedFile {
  readonly size?: number
  readonly sha256?: string
}

/** Downloads `file` into the cache and returns the cached path. */
export async function downloadToCache(file: HubDatasetFile, options: DataOptions, expected: ExpectedFile = {}): Promise<string> {
  const name = describeFile(file)
  const url = hubFileUrl(options.endpoint, file)
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}
  const first = await request(options, url, file, { headers: auth, redirect: 'manual' })

  let body = first
  const location = first.headers.get('location')
  if (first.status >= 300 && first.status < 400 && location) {
    await first.body?.cancel()
    const target = new URL(location, url)
    // Storage redirects are signed URLs: the token only goes back to the hub itself.
    const sameOrigin = target.origin === new URL(url).origin
    body = await request(options, target.href, file, { headers: sameOrigin ? auth : {} })
  }
  if (!body.ok) {
    await body.body?.cancel()
    throw new DatasetError(name, httpProblem(body.status, file))
  }

  const metadata = readMetadata(first.headers, file)
  const destination = snapshotPath(options.cacheDir, file, metadata.commit)
  await mkdir(dirname(destination), { recursive: true })
  const temp = `${destination}.${randomBytes(6).toString('hex')}.incomplete`
  try {
    const written = await writeBody(body, temp)
    if (metadata.size !== undefined && written.size !== metadata.size) {
      throw new DatasetError(name, `download is ${written.size} bytes but the hub announced ${metadata.size}; try again`)
    }
    if (metadata.sha256 !== undefined && written.sha256 !== metadata.sha256) {
      throw new DatasetError(name, `download has sha256 ${written.sha256} but the hub announced ${metadata.sha256}; try again`)
    }
    if (expected.size !== undefined && written.size !== expected.size) {
      throw new DatasetError(name, `download is ${written.size} bytes but the repository listing says ${expected.size}; try again`)
    }
    if (expected.sha256 !== undefined && written.sha256 !== expected.sha256) {
      throw new DatasetError(name, `download has sha256 ${written.sha256} but the repository listing says ${expected.sha256}; try again`)
    }
    await rename(temp, destination)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  await writeRef(options.cacheDir, file, metadata.commit)
  return destination
}
