/**
 * Downloads one dataset or model file from the hub into the cache. The first response (redirects not followed)
 * carries the hub's metadata: `X-Repo-Commit`, and for LFS files `X-Linked-Size` and `X-Linked-Etag` (the sha256
 * oid). The body goes to a temporary file with a connect and an idle timeout; a dropped or stalled transfer is
 * tried again with backoff, resuming with an HTTP Range request where the server answers 206. A partial file a
 * killed run left (`<destination>.<random>.incomplete`, with what the hub said about the file beside it) is resumed
 * by the next run the same way, when the hub still announces that file. The file is renamed
 * into the cache only after its size, sha256 (when known) and content (download-content.ts) pass, so a cached file is
 * always complete. The retries, timeouts and Range resume are written here rather than taken from a library
 * because they must work with any injected `fetch` (tests, proxies) on both Node majors.
 */
import { createHash, type Hash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { DataOptions } from './hub-options.ts'
import { DatasetError } from './file-errors.ts'
import { describeFile, hubFileUrl, type HubDatasetFile } from './hub-file.ts'
import { isCommitHash } from '../core/revisions.ts'
import { snapshotPath, writeRef } from './hub-cache.ts'
import { contentProblem } from './download-content.ts'
import { TransientDownloadError, withRetries } from './download-policy.ts'

interface FileMetadata {
  readonly commit: string
  readonly size: number | undefined
  readonly sha256: string | undefined
  /** The hub's ETag for the file (its LFS oid, or the git blob id), without quotes: which version of it this is. */
  readonly etag: string | undefined
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
    etag: etag === '' ? undefined : etag,
  }
}

function httpProblem(status: number, file: HubDatasetFile): string {
  if (status === 401 || status === 403) {
    return `the hub refused access (HTTP ${status}); set HF_TOKEN to a token that can read this ${file.kind ?? 'dataset'}`
  }
  if (status === 404) return 'not found on the hub (HTTP 404); check the repo, revision and path'
  return `the hub answered HTTP ${status}`
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.cause instanceof Error ? error.cause.message : error.message
}

/**
 * `fetch` that gives up when no response headers arrive within the connect timeout. The controller it returns
 * also aborts the body (the idle timeout uses it).
 */
export async function fetchWithTimeout(options: DataOptions, url: string, init: RequestInit): Promise<{ response: Response; controller: AbortController }> {
  const controller = new AbortController()
  const limit = options.download.connectTimeoutMs
  const timer = setTimeout(() => controller.abort(), limit)
  try {
    return { response: await options.fetch(url, { ...init, signal: controller.signal }), controller }
  } catch (error) {
    const problem = controller.signal.aborted ? `no answer from ${url} within ${limit} ms` : `could not reach ${url} (${reason(error)})`
    throw new TransientDownloadError(problem, { cause: error })
  } finally {
    clearTimeout(timer)
  }
}

/** The bytes received so far (kept across tries, so a retry can resume) and their running sha256. */
interface Partial {
  temp: string | undefined
  size: number
  hash: Hash
}

async function restart(partial: Partial): Promise<void> {
  if (partial.temp) await rm(partial.temp, { force: true })
  partial.size = 0
  partial.hash = createHash('sha256')
}

/** Appends the body to the partial file; a stall longer than the idle timeout aborts it. */
async function appendBody(response: Response, controller: AbortController, partial: Partial, url: string, idleMs: number): Promise<void> {
  const handle = await open(partial.temp!, 'a')
  let timer = setTimeout(() => controller.abort(), idleMs)
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        clearTimeout(timer)
        timer = setTimeout(() => controller.abort(), idleMs)
        await handle.write(chunk)
        partial.hash.update(chunk)
        partial.size += chunk.byteLength
      }
    }
  } catch (error) {
    const problem = controller.signal.aborted
      ? `${url} sent nothing for ${idleMs} ms after ${partial.size} bytes`
      : `the transfer from ${url} broke after ${partial.size} bytes (${reason(error)})`
    throw new TransientDownloadError(problem, { cause: error })
  } finally {
    clearTimeout(timer)
    await handle.close()
  }
}

/** Beside each partial file: what the hub announced for the file whose bytes it holds. */
const ANNOUNCED = '.json'
interface Announced {
  readonly etag: string | null
  readonly size: number | null
}

const announcedOf = (known: FileMetadata): Announced => ({ etag: known.etag ?? null, size: known.size ?? null })

/** Removes a partial file and what was announced for it. */
async function discard(temp: string): Promise<void> {
  await Promise.all([rm(temp, { force: true }), rm(`${temp}${ANNOUNCED}`, { force: true })])
}

/**
 * Takes over a partial file of `destination` that an earlier run left, when the hub announces the same file now
 * (same ETag and size) and nothing has written to it for `quietMs` (so no live download owns it). The rename is
 * atomic: of two runs, one gets it. Returns the bytes taken over, now at `temp`.
 */
async function takeOverLeftover(destination: string, temp: string, known: FileMetadata, quietMs: number): Promise<number> {
  const prefix = `${basename(destination)}.`
  const names = (await readdir(dirname(destination)).catch(() => [] as string[])).filter(name => name.startsWith(prefix) && name.endsWith('.incomplete'))
  for (const name of names) {
    const leftover = join(dirname(destination), name)
    const info = await stat(leftover).catch(() => undefined)
    if (!info || Date.now() - info.mtimeMs < quietMs) continue
    const announced = await readFile(`${leftover}${ANNOUNCED}`, 'utf8').then(
      text => JSON.parse(text) as Announced,
      () => undefined,
    )
    const same = announced !== undefined && JSON.stringify(announced) === JSON.stringify(announcedOf(known))
    const fits = known.size === undefined || info.size < known.size
    if (!same || !fits || info.size === 0) {
      await discard(leftover)
      continue
    }
    try {
      await rename(leftover, temp)
    } catch {
      continue // another run took it
    }
    await rm(`${leftover}${ANNOUNCED}`, { force: true })
    return info.size
  }
  return 0
}

async function sha256Of(path: string): Promise<Hash> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  return hash
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
  const partial: Partial = { temp: undefined, size: 0, hash: createHash('sha256') }
  let metadata: FileMetadata | undefined
  let attempts = 0

  const attempt = async (): Promise<FileMetadata> => {
    attempts++
    const range: Record<string, string> = partial.size > 0 ? { range: `bytes=${partial.size}-` } : {}
    const first = await fetchWithTimeout(options, url, { headers: { ...auth, ...range }, redirect: 'manual' })
    let body = first
    const location = first.response.headers.get('location')
    if (first.response.status >= 300 && first.response.status < 400 && location) {
      await first.response.body?.cancel()
      const target = new URL(location, url)
      // Storage redirects are signed URLs: the token only goes back to the hub itself.
      const sameOrigin = target.origin === new URL(url).origin
      body = await fetchWithTimeout(options, target.href, { headers: { ...(sameOrigin ? auth : {}), ...range } })
    }
    const { response, controller } = body
    if (!response.ok) {
      await response.body?.cancel()
      const problem = httpProblem(response.status, file)
      if (response.status >= 500 || response.status === 429) throw new TransientDownloadError(problem)
      throw new DatasetError(name, problem)
    }
    const known = (metadata ??= readMetadata(first.response.headers, file))
    if (!partial.temp) {
      const destination = snapshotPath(options.cacheDir, file, known.commit)
      await mkdir(dirname(destination), { recursive: true })
      partial.temp = `${destination}.${randomBytes(6).toString('hex')}.incomplete`
      const takenOver = await takeOverLeftover(destination, partial.temp, known, options.download.idleTimeoutMs)
      await writeFile(`${partial.temp}${ANNOUNCED}`, JSON.stringify(announcedOf(known)))
      if (takenOver > 0) {
        // An earlier run's bytes: ask for the rest instead of this whole-file answer.
        await response.body?.cancel()
        partial.size = takenOver
        partial.hash = await sha256Of(partial.temp)
        return attempt()
      }
    }
    if (partial.size > 0 && response.status === 206 && !continuesAt(response, partial.size, known.size)) {
      // A 206 for another range or another length is not the rest of these bytes: start over.
      await response.body?.cancel()
      const asked = `bytes=${partial.size}-`
      await restart(partial)
      throw new TransientDownloadError(`${url} answered the range ${asked} with ${response.headers.get('content-range') ?? 'no Content-Range'}; starting over`)
    }
    // A server that ignores Range (200) sends the whole file again.
    if (partial.size > 0 && response.status !== 206) await restart(partial)
    await appendBody(response, controller, partial, response.url || url, options.download.idleTimeoutMs)
    // A body shorter than announced is a transfer cut short: resume it.
    if (known.size !== undefined && partial.size < known.size) {
      throw new TransientDownloadError(`the transfer from ${url} ended after ${partial.size} of ${known.size} bytes`)
    }
    return known
  }

  try {
    const known = await withRetries(options.download, attempt).catch((error: unknown) => {
      if (!(error instanceof TransientDownloadError)) throw error
      throw new DatasetError(
        name,
        `gave up after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${error.message}; check the network or HF_ENDPOINT, or work offline with ` +
          `HF_HUB_OFFLINE=1 and a filled cache, or ${file.kind === 'model' ? 'load the model from a local directory' : 'set LMSCALE_DATA_DIR'}`,
        undefined,
        undefined,
        { cause: error },
      )
    })
    const destination = snapshotPath(options.cacheDir, file, known.commit)
    const sha256 = partial.hash.digest('hex')
    const problem = checkDownload(partial, sha256, known, expected)
    if (problem) throw new DatasetError(name, `${problem}; nothing was cached. Try again, or check what ${url} serves`)
    const content = await contentProblem(partial.temp!, file.path)
    if (content) throw new DatasetError(name, `the download from ${url} ${content}; nothing was cached. Check HF_ENDPOINT and any proxy`)
    await rename(partial.temp!, destination)
    await writeRef(options.cacheDir, file, known.commit)
    return destination
  } finally {
    if (partial.temp) await discard(partial.temp)
  }
}

/** Whether a 206 answer's Content-Range starts where the partial file ends and, when announced, has the file's length. */
function continuesAt(response: Response, offset: number, size: number | undefined): boolean {
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '')
  if (!range || Number(range[1]) !== offset) return false
  return size === undefined || (range[3] === String(size) && Number(range[2]) === size - 1)
}

function checkDownload(partial: Partial, sha256: string, known: FileMetadata, expected: ExpectedFile): string | undefined {
  if (known.size !== undefined && partial.size !== known.size) return `download is ${partial.size} bytes but the hub announced ${known.size}`
  if (known.sha256 !== undefined && sha256 !== known.sha256) return `download has sha256 ${sha256} but the hub announced ${known.sha256}`
  if (expected.size !== undefined && partial.size !== expected.size) return `download is ${partial.size} bytes but the repository listing says ${expected.size}`
  if (expected.sha256 !== undefined && sha256 !== expected.sha256) return `download has sha256 ${sha256} but the repository listing says ${expected.sha256}`
  return undefined
}
