/**
 * The hub download path against a small HTTP server on 127.0.0.1 that speaks the hub's resolve scheme:
 * a bearer token check, LFS files redirected to storage with X-Linked-Size / X-Linked-Etag, plain files
 * served directly, and failures on demand.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
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
}

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
  await new Promise(resolve => server.close(resolve))
  await rm(cacheRoot, { recursive: true, force: true })
})

let cacheDir: string
let caseNumber = 0
beforeEach(() => {
  log = []
  cacheDir = join(cacheRoot, `case-${caseNumber++}`)
})

function options(overrides: Partial<DataOptions> = {}): DataOptions {
  return dataOptionsFromEnv({ HF_ENDPOINT: endpoint, HF_TOKEN: TOKEN, HF_HUB_CACHE: cacheDir }, overrides)
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

  test('a size mismatch fails and leaves nothing in the cache', async () => {
    await expect(resolveDatasetFile(file('short.parquet'), options())).rejects.toThrow(
      `download is ${LFS_BODY.length} bytes but the hub announced ${LFS_BODY.length + 1}`,
    )
    expect(await readdir(join(cacheDir, 'datasets--owner--data', 'snapshots', COMMIT))).toEqual([])
  })

  test('a sha256 mismatch fails', async () => {
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
  })
})
