/**
 * The hub download path against a small HTTP server on 127.0.0.1 that speaks the hub's resolve scheme:
 * a bearer token check, LFS files redirected to storage with X-Linked-Size / X-Linked-Etag, plain files
 * served directly, and failures on demand.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { dataOptionsFromEnv, hubCacheDir, type DataOptions } from './hub-options.ts'
import { DEFAULT_HUB_ENDPOINT, hubFileUrl, type HubDatasetFile } from './hub-file.ts'
import { resolveDatasetFile } from './resolve-file.ts'

const TOKEN = 'hf_test_secret_value'
const COMMIT = 'a'.repeat(40)
const LFS_BODY = Buffer.from('PAR1 pretend parquet bytes PAR1')
const LFS_SHA = createHash('sha256').update(LFS_BODY).digest('hex')
const PLAIN_BODY = Buffer.from('{"goal": "x"}\n')
// A body long enough to cut in half: the Parquet magic at both ends, bytes in between.
const LONG_BODY = Buffer.concat([Buffer.from('PAR1'), Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 251)), Buffer.from('PAR1')])
const HALF = 10_000

interface Logged {
  readonly url: string
  readonly headers: IncomingHttpHeaders
}

let server: Server
let endpoint: string
let log: Logged[] = []
let cacheRoot: string

/** What the server answers for `/datasets/owner/data/resolve/<revision>/<path>`. */
const routes: Record<string, { lfs?: { size?: number; sha?: string }; status?: number; body?: Buffer }> = {
  'main/dir/train.parquet': { lfs: {}, body: LFS_BODY },
  'refs%2Fconvert%2Fparquet/default/validation/0000.parquet': { lfs: {}, body: LFS_BODY },
  'main/plain.jsonl': { body: PLAIN_BODY },
  'main/short.parquet': { lfs: { size: LFS_BODY.length + 1 }, body: LFS_BODY },
  'main/corrupt.parquet': { lfs: { sha: 'f'.repeat(64) }, body: LFS_BODY },
  'main/broken.parquet': { status: 500 },
  'main/page.parquet': { body: Buffer.from('<!DOCTYPE html><html><body>Sign in to continue</body></html>') },
  'main/bad.json': { body: Buffer.from('{"model_type": "llama",') },
}

/**
 * Routes that misbehave on purpose, by how many times the path was asked for: a server that never answers,
 * one that stalls or drops the connection half way (then honours Range, or not), one that fails once with 503.
 */
type Misbehaviour = (req: IncomingMessage, res: ServerResponse, count: number) => void
const sendRange = (req: IncomingMessage, res: ServerResponse, etag?: string) => {
  const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0)
  const tag = etag === undefined ? {} : { etag }
  if (start === 0) res.writeHead(200, { ...tag, 'content-length': LONG_BODY.length }).end(LONG_BODY)
  else
    res
      .writeHead(206, {
        ...tag,
        'content-range': `bytes ${start}-${LONG_BODY.length - 1}/${LONG_BODY.length}`,
        'content-length': LONG_BODY.length - start,
      })
      .end(LONG_BODY.subarray(start))
}
const hanging: ServerResponse[] = []
const misbehaving: Record<string, Misbehaviour> = {
  'main/silent.parquet': (_, res) => void hanging.push(res),
  'main/stall.parquet': (req, res, count) => {
    if (count > 1) return sendRange(req, res)
    res.writeHead(200, { 'content-length': LONG_BODY.length }).write(LONG_BODY.subarray(0, HALF))
    hanging.push(res)
  },
  'main/cut.parquet': (req, res, count) => {
    if (count > 1) return sendRange(req, res)
    res.writeHead(200, { 'content-length': LONG_BODY.length }).write(LONG_BODY.subarray(0, HALF), () => setTimeout(() => res.destroy(), 100))
  },
  'main/no-range.parquet': (_, res, count) => {
    if (count > 1) return void res.writeHead(200, { 'content-length': LONG_BODY.length }).end(LONG_BODY)
    res.writeHead(200, { 'content-length': LONG_BODY.length }).write(LONG_BODY.subarray(0, HALF), () => setTimeout(() => res.destroy(), 100))
  },
  'main/flaky.parquet': (req, res, count) => (count === 1 ? void res.writeHead(503).end() : sendRange(req, res)),
  // A run killed half way (the first request stalls), then the next run's requests, as each server answers them.
  'main/left-resume.parquet': (req, res, count) => (count === 1 ? stallHalf(res, V1) : sendRange(req, res, V1)),
  'main/left-changed.parquet': (req, res, count) => (count === 1 ? stallHalf(res, V1) : sendRange(req, res, '"v2"')),
  'main/left-no-range.parquet': (_, res, count) =>
    count === 1 ? stallHalf(res, V1) : void res.writeHead(200, { etag: V1, 'content-length': LONG_BODY.length }).end(LONG_BODY),
  'main/left-wrong-range.parquet': (req, res, count) => {
    if (count === 1) return stallHalf(res, V1)
    if (!req.headers.range) return sendRange(req, res, V1)
    res.writeHead(206, { etag: V1, 'content-range': `bytes 0-${LONG_BODY.length - 1}/${LONG_BODY.length}` }).end(LONG_BODY)
  },
}
const V1 = '"v1"'
function stallHalf(res: ServerResponse, etag: string): void {
  res.writeHead(200, { etag, 'content-length': LONG_BODY.length }).write(LONG_BODY.subarray(0, HALF))
  hanging.push(res)
}
const requestCounts = new Map<string, number>()

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? ''
    log.push({ url, headers: req.headers })
    if (url.startsWith('/storage/')) {
      res.writeHead(200, { 'content-length': LFS_BODY.length }).end(LFS_BODY)
      return
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(req.headers.authorization ? 403 : 401).end()
      return
    }
    const prefix = '/datasets/owner/data/resolve/'
    const misbehaviour = misbehaving[url.slice(prefix.length)]
    if (misbehaviour) {
      const count = (requestCounts.get(url) ?? 0) + 1
      requestCounts.set(url, count)
      misbehaviour(req, res, count)
      return
    }
    const route = url.startsWith(prefix) ? routes[url.slice(prefix.length)] : undefined
    if (!route) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end()
      return
    }
    if (route.status) {
      res.writeHead(route.status).end()
      return
    }
    const body = route.body ?? Buffer.alloc(0)
    if (route.lfs) {
      res
        .writeHead(302, {
          location: `/storage/${LFS_SHA}`,
          'x-repo-commit': COMMIT,
          'x-linked-size': String(route.lfs.size ?? body.length),
          'x-linked-etag': `"${route.lfs.sha ?? LFS_SHA}"`,
        })
        .end()
      return
    }
    res.writeHead(200, { 'x-repo-commit': COMMIT, etag: `"${'b'.repeat(40)}"`, 'content-length': body.length }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  cacheRoot = await mkdtemp(join(tmpdir(), 'lmscale-hub-'))
})

afterAll(async () => {
  for (const res of hanging) res.destroy()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  await rm(cacheRoot, { recursive: true, force: true })
})

let cacheDir: string
let caseNumber = 0
beforeEach(() => {
  log = []
  cacheDir = join(cacheRoot, `case-${caseNumber++}`)
})

// Short backoff: the server is on this machine. The timeout tests shorten the timeouts for themselves.
const download = { connectTimeoutMs: 10_000, idleTimeoutMs: 10_000, attempts: 3, backoffMs: 10 }

function options(overrides: Partial<DataOptions> = {}): DataOptions {
  return dataOptionsFromEnv({ HF_ENDPOINT: endpoint, HF_TOKEN: TOKEN, HF_HUB_CACHE: cacheDir }, { download, ...overrides })
}

const snapshotDir = () => join(cacheDir, 'datasets--owner--data', 'snapshots', 'main')
/** Nothing at all, not even a temporary file, is left in the snapshot folder. */
async function cachedFiles(): Promise<string[]> {
  return readdir(snapshotDir()).catch(() => [])
}

const file = (path: string, revision = 'main'): HubDatasetFile => ({ repo: 'owner/data', revision, path })

describe('hub download', () => {
  test('downloads with the bearer token into snapshots/<commit>/<path> and records the ref', async () => {
    const path = await resolveDatasetFile(file('dir/train.parquet'), options())
    expect(path).toBe(join(cacheDir, 'datasets--owner--data', 'snapshots', COMMIT, 'dir', 'train.parquet'))
    expect(await readFile(path)).toEqual(LFS_BODY)
    expect(await readFile(join(cacheDir, 'datasets--owner--data', 'refs', 'main'), 'utf8')).toBe(COMMIT)
    expect(log.map(entry => entry.url)).toEqual(['/datasets/owner/data/resolve/main/dir/train.parquet', `/storage/${LFS_SHA}`])
    expect(log[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  test('the second call is a cache hit without any request', async () => {
    const first = await resolveDatasetFile(file('dir/train.parquet'), options())
    const requests = log.length
    expect(await resolveDatasetFile(file('dir/train.parquet'), options())).toBe(first)
    expect(log).toHaveLength(requests)
  })

  test('a non-LFS file is served directly; its git sha1 etag is not taken for a sha256', async () => {
    const path = await resolveDatasetFile(file('plain.jsonl'), options())
    expect(await readFile(path)).toEqual(PLAIN_BODY)
    expect(log).toHaveLength(1)
  })

  test('a revision with slashes is one percent-encoded URL segment', async () => {
    expect(hubFileUrl('https://hub.example/', file('default/validation/0000.parquet', 'refs/convert/parquet'))).toBe(
      'https://hub.example/datasets/owner/data/resolve/refs%2Fconvert%2Fparquet/default/validation/0000.parquet',
    )
    const path = await resolveDatasetFile(file('default/validation/0000.parquet', 'refs/convert/parquet'), options())
    expect(await readFile(path)).toEqual(LFS_BODY)
  })

  test('404 names the file', async () => {
    await expect(resolveDatasetFile(file('nope.parquet'), options())).rejects.toThrow('owner/data@main:nope.parquet: not found on the hub (HTTP 404)')
  })

  test('no token or a wrong token: a hint about HF_TOKEN, and the token itself never in the message', async () => {
    await expect(resolveDatasetFile(file('dir/train.parquet'), options({ token: undefined }))).rejects.toThrow('HTTP 401); set HF_TOKEN')
    expect(log[0]?.headers.authorization).toBeUndefined()
    const wrong = 'hf_wrong_token_42'
    const error = await resolveDatasetFile(file('dir/train.parquet'), options({ token: wrong })).catch((e: unknown) => e)
    expect(String(error)).toContain('HTTP 403')
    expect(String(error)).not.toContain(wrong)
  })

  test('bad input: a body shorter than the hub announced is tried again, then fails and leaves nothing in the cache', async () => {
    await expect(resolveDatasetFile(file('short.parquet'), options())).rejects.toThrow(
      `owner/data@main:short.parquet: gave up after 3 tries: the transfer from ${endpoint}/datasets/owner/data/resolve/main/short.parquet ended after ${LFS_BODY.length} of ${LFS_BODY.length + 1} bytes`,
    )
    expect(await readdir(join(cacheDir, 'datasets--owner--data', 'snapshots', COMMIT))).toEqual([])
  })

  test('bad input: a sha256 mismatch fails', async () => {
    await expect(resolveDatasetFile(file('corrupt.parquet'), options())).rejects.toThrow(`but the hub announced ${'f'.repeat(64)}`)
  })

  test('a server error and an unreachable hub are reported without the token', async () => {
    await expect(resolveDatasetFile(file('broken.parquet'), options())).rejects.toThrow('the hub answered HTTP 500')
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise(resolve => closed.close(resolve))
    const error = await resolveDatasetFile(file('dir/train.parquet'), options({ endpoint: deadEndpoint })).catch((e: unknown) => e)
    expect(String(error)).toContain(`could not reach ${deadEndpoint}`)
    expect(String(error)).toContain('HF_HUB_OFFLINE=1')
    expect(String(error)).not.toContain(TOKEN)
  })
})

describe('offline and local directory', () => {
  test('offline with an empty cache: a clear error naming the file, and no request', async () => {
    await expect(resolveDatasetFile(file('dir/train.parquet'), options({ offline: true }))).rejects.toThrow(
      `owner/data@main:dir/train.parquet: offline (HF_HUB_OFFLINE) and not in the cache under ${join(cacheDir, 'datasets--owner--data')}`,
    )
    expect(log).toHaveLength(0)
  })

  test('offline with a filled cache reads the cached file', async () => {
    const downloaded = await resolveDatasetFile(file('dir/train.parquet'), options())
    log = []
    expect(await resolveDatasetFile(file('dir/train.parquet'), options({ offline: true }))).toBe(downloaded)
    expect(log).toHaveLength(0)
  })

  test('a local directory is the only place looked at when set', async () => {
    const localDir = join(cacheRoot, 'local')
    const error = await resolveDatasetFile(file('dir/train.parquet'), options({ localDir })).catch((e: unknown) => e)
    expect(String(error)).toContain(`not in the local data directory: expected ${join(localDir, 'owner', 'data', 'dir', 'train.parquet')}`)
    expect(log).toHaveLength(0)
  })

  test('paths that could leave the cache are refused', async () => {
    await expect(resolveDatasetFile(file('../../etc/passwd'), options())).rejects.toThrow('without empty, "." or ".." segments')
    await expect(resolveDatasetFile({ repo: 'no-owner', revision: 'main', path: 'a' }, options())).rejects.toThrow('owner/name')
  })
})

describe('environment', () => {
  test('cache dir: HF_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME/huggingface/hub', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' })).toBe('/c')
    expect(hubCacheDir({ HF_HOME: '/h', XDG_CACHE_HOME: '/x' })).toBe(join('/h', 'hub'))
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'huggingface', 'hub'))
  })

  test('endpoint, token, offline flag and local directory', () => {
    const defaults = dataOptionsFromEnv({})
    expect([defaults.endpoint, defaults.token, defaults.offline, defaults.localDir]).toEqual([DEFAULT_HUB_ENDPOINT, undefined, false, undefined])
    const set = dataOptionsFromEnv({ HF_ENDPOINT: 'http://mirror', HF_TOKEN: 't', HF_HUB_OFFLINE: 'TRUE', LMSCALE_DATA_DIR: '/d' })
    expect([set.endpoint, set.token, set.offline, set.localDir]).toEqual(['http://mirror', 't', true, '/d'])
    expect(dataOptionsFromEnv({ HF_HUB_OFFLINE: '0' }).offline).toBe(false)
    // The README states these defaults.
    expect(defaults.download).toEqual({ connectTimeoutMs: 30_000, idleTimeoutMs: 60_000, attempts: 4, backoffMs: 1_000 })
  })
})

describe('downloads checked before caching, with timeouts, retries and Range resume', () => {
  const url = (path: string) => `${endpoint}/datasets/owner/data/resolve/main/${path}`

  test('bad input: a server answering 200 with an HTML page for a Parquet file: named, and nothing cached', async () => {
    await expect(resolveDatasetFile(file('page.parquet'), options())).rejects.toThrow(
      `owner/data@main:page.parquet: the download from ${url('page.parquet')} is not a Parquet file (no PAR1 magic at both ends; 60 bytes starting with "<!DOCTYPE html><html><body>Sign in to continue</"); nothing was cached`,
    )
    expect(await cachedFiles()).toEqual([])
    // The next run asks again instead of failing on a poisoned cache.
    await expect(resolveDatasetFile(file('page.parquet'), options())).rejects.toThrow('is not a Parquet file')
    expect(log.filter(entry => entry.url.endsWith('page.parquet'))).toHaveLength(2)
  })

  test('bad input: a JSON file that does not parse is not cached', async () => {
    await expect(resolveDatasetFile(file('bad.json'), options())).rejects.toThrow(
      `owner/data@main:bad.json: the download from ${url('bad.json')} is not JSON (`,
    )
    expect(await cachedFiles()).toEqual([])
  })

  test('bad input: a server that never answers times out after the connect timeout, is tried 3 times, and the error names the URL', async () => {
    const error: Error = await resolveDatasetFile(file('silent.parquet'), options({ download: { ...download, connectTimeoutMs: 500 } })).then(
      () => expect.fail('the download should have failed'),
      (e: unknown) => e as Error,
    )
    expect(error.message).toBe(
      `owner/data@main:silent.parquet: gave up after 3 tries: no answer from ${url('silent.parquet')} within 500 ms; check the network or HF_ENDPOINT, ` +
        'or work offline with HF_HUB_OFFLINE=1 and a filled cache, or set LMSCALE_DATA_DIR',
    )
    expect(error.cause).toBeInstanceOf(Error)
    expect(requestCounts.get('/datasets/owner/data/resolve/main/silent.parquet')).toBe(3)
    expect(await cachedFiles()).toEqual([])
  })

  test('a transfer that stalls half way hits the idle timeout and resumes with a Range request', async () => {
    const path = await resolveDatasetFile(file('stall.parquet'), options({ download: { ...download, idleTimeoutMs: 500 } }))
    expect(await readFile(path)).toEqual(LONG_BODY)
    const requests = log.filter(entry => entry.url.endsWith('stall.parquet'))
    expect(requests.map(r => r.headers.range)).toEqual([undefined, `bytes=${HALF}-`])
    expect(await cachedFiles()).toEqual(['stall.parquet'])
  })

  test('a dropped connection resumes with Range; a server that ignores Range sends the whole file again', async () => {
    expect(await readFile(await resolveDatasetFile(file('cut.parquet'), options()))).toEqual(LONG_BODY)
    expect(log.filter(entry => entry.url.endsWith('cut.parquet')).map(r => r.headers.range)).toEqual([undefined, `bytes=${HALF}-`])
    expect(await readFile(await resolveDatasetFile(file('no-range.parquet'), options()))).toEqual(LONG_BODY)
    expect(log.filter(entry => entry.url.endsWith('no-range.parquet')).map(r => r.headers.range)).toEqual([undefined, `bytes=${HALF}-`])
    expect((await cachedFiles()).sort()).toEqual(['cut.parquet', 'no-range.parquet'])
  })

  test('HTTP 503 is tried again with backoff; HTTP 404 is not', async () => {
    expect(await readFile(await resolveDatasetFile(file('flaky.parquet'), options()))).toEqual(LONG_BODY)
    expect(requestCounts.get('/datasets/owner/data/resolve/main/flaky.parquet')).toBe(2)
    await expect(resolveDatasetFile(file('nope.parquet'), options())).rejects.toThrow('HTTP 404')
    expect(log.filter(entry => entry.url.endsWith('nope.parquet'))).toHaveLength(1)
  })
})

describe('a partial download left by a killed run is resumed by the next run', () => {
  /**
   * Runs a download that stalls half way and copies what it has on disk at that moment (what a SIGKILL leaves:
   * the partial file and what the hub announced for it), lets that run give up, and puts the copies back, an hour old.
   */
  async function leaveAsKilled(name: string): Promise<void> {
    const killed = resolveDatasetFile(file(name), options({ download: { ...download, attempts: 1, idleTimeoutMs: 2_000 } }))
    let left: string[] = []
    for (let waited = 0; waited < 10_000; waited += 50) {
      left = (await cachedFiles()).filter(entry => entry.includes('.incomplete'))
      const partial = left.find(entry => entry.endsWith('.incomplete'))
      if (left.length === 2 && partial && (await stat(join(snapshotDir(), partial))).size === HALF) break
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(left.map(entry => entry.replace(/\.[0-9a-f]{12}\./, '.<random>.')).sort()).toEqual([
      `${name}.<random>.incomplete`,
      `${name}.<random>.incomplete.json`,
    ])
    const copies = await Promise.all(left.map(async entry => [entry, await readFile(join(snapshotDir(), entry))] as const))
    await expect(killed).rejects.toThrow('sent nothing for 2000 ms')
    expect((await cachedFiles()).filter(entry => entry.includes('.incomplete'))).toEqual([])
    const anHourAgo = new Date(Date.now() - 3_600_000)
    for (const [entry, bytes] of copies) {
      await writeFile(join(snapshotDir(), entry), bytes)
      await utimes(join(snapshotDir(), entry), anHourAgo, anHourAgo)
    }
    log = []
  }
  const ranges = (name: string) => log.filter(entry => entry.url.endsWith(name)).map(r => r.headers.range)

  test('the same file (same ETag and size): the next run asks only for the rest with a Range request', async () => {
    await leaveAsKilled('left-resume.parquet')
    expect(await readFile(await resolveDatasetFile(file('left-resume.parquet'), options()))).toEqual(LONG_BODY)
    expect(ranges('left-resume.parquet')).toEqual([undefined, `bytes=${HALF}-`])
    expect(await cachedFiles()).toEqual(['left-resume.parquet'])
  }, 30_000)

  test('the hub now announces another ETag: the leftover is discarded and the file downloaded whole', async () => {
    await leaveAsKilled('left-changed.parquet')
    expect(await readFile(await resolveDatasetFile(file('left-changed.parquet'), options()))).toEqual(LONG_BODY)
    expect(ranges('left-changed.parquet')).toEqual([undefined])
    expect(await cachedFiles()).toEqual(['left-changed.parquet'])
  }, 30_000)

  test('a server that answers the Range with 200, or with a 206 for another range, is started over', async () => {
    await leaveAsKilled('left-no-range.parquet')
    expect(await readFile(await resolveDatasetFile(file('left-no-range.parquet'), options()))).toEqual(LONG_BODY)
    expect(ranges('left-no-range.parquet')).toEqual([undefined, `bytes=${HALF}-`])
    await leaveAsKilled('left-wrong-range.parquet')
    expect(await readFile(await resolveDatasetFile(file('left-wrong-range.parquet'), options()))).toEqual(LONG_BODY)
    expect(ranges('left-wrong-range.parquet')).toEqual([undefined, `bytes=${HALF}-`, undefined])
    expect((await cachedFiles()).sort()).toEqual(['left-no-range.parquet', 'left-wrong-range.parquet'])
  }, 60_000)
})
