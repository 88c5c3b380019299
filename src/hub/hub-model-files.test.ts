import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dataOptionsFromEnv } from './hub-options.ts'
import { hubModelInfoUrl, modelFilesFor, resolveHubModel, type HubModelListing } from './hub-model-files.ts'

const COMMIT = 'c'.repeat(40)
const REPO = 'owner/model'
const GRAPH = Buffer.from('pretend onnx graph')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

let cacheRoot: string
beforeAll(async () => {
  cacheRoot = await mkdtemp(join(tmpdir(), 'lmscale-hub-model-'))
})
afterAll(() => rm(cacheRoot, { recursive: true, force: true }))

const listing = (paths: string[]): HubModelListing => ({
  hub: REPO,
  revision: 'main',
  commit: COMMIT,
  files: paths.map(path => ({ path, size: 1, sha256: undefined })),
})

/** A hub that answers the listing with `listed` and serves every file as `GRAPH` (a JSON string for the .json files). */
const JSON_BODY = Buffer.from(JSON.stringify(String(GRAPH)))

function fakeHub(listed: { size: number; sha256: string }): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input)
    if (url.includes('/api/models/')) {
      const siblings = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map(rfilename =>
        rfilename.endsWith('.onnx')
          ? { rfilename, size: listed.size, lfs: { sha256: listed.sha256, size: listed.size } }
          : { rfilename, size: JSON_BODY.length },
      )
      return Response.json({ sha: COMMIT, siblings })
    }
    const body = url.endsWith('.json') ? JSON_BODY : GRAPH
    return new Response(body, { headers: { 'x-repo-commit': COMMIT, 'content-length': String(body.length) } })
  }) as typeof fetch
}

describe('modelFilesFor', () => {
  test('required files, optional generation config, every external-data shard, graph last; other dtypes and files left out', () => {
    const files = modelFilesFor(
      listing([
        'onnx/model_q4.onnx',
        'onnx/model_q4.onnx_data_1',
        'README.md',
        'tokenizer.json',
        'onnx/model_q4.onnx_data',
        'onnx/model.onnx',
        'onnx/model.onnx_data',
        'config.json',
        'tokenizer_config.json',
        'generation_config.json',
      ]),
      'q4',
    )
    expect(files.map(f => f.path)).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'generation_config.json',
      'onnx/model_q4.onnx_data_1',
      'onnx/model_q4.onnx_data',
      'onnx/model_q4.onnx',
    ])
  })

  test('missing tokenizer files are named', () => {
    expect(() => modelFilesFor(listing(['config.json', 'onnx/model.onnx']), 'fp32')).toThrow(
      `${REPO}@main (commit ${COMMIT}) has no tokenizer.json, tokenizer_config.json; check the hub id, revision and dtype`,
    )
  })
})

describe('resolveHubModel checks downloads against the repository listing', () => {
  test('the revision is one URL segment in the repo API address', () => {
    expect(hubModelInfoUrl('https://hub.example/', { hub: REPO, revision: 'refs/pr/1' })).toBe(
      'https://hub.example/api/models/owner/model/revision/refs%2Fpr%2F1?blobs=true',
    )
  })

  test('a file whose sha256 differs from the listing fails and the graph never reaches the cache', async () => {
    const cacheDir = join(cacheRoot, 'sha')
    const options = dataOptionsFromEnv({ HF_HUB_CACHE: cacheDir }, { fetch: fakeHub({ size: GRAPH.length, sha256: 'e'.repeat(64) }) })
    await expect(resolveHubModel({ hub: REPO, revision: 'main' }, 'fp32', options)).rejects.toThrow(
      `${REPO}@${COMMIT}:onnx/model.onnx: download has sha256 ${sha(GRAPH)} but the repository listing says ${'e'.repeat(64)}`,
    )
    const onnxDir = join(cacheDir, 'models--owner--model', 'snapshots', COMMIT, 'onnx')
    expect(await readdir(onnxDir)).toEqual([])
  })

  test('a file whose size differs from the listing fails', async () => {
    const options = dataOptionsFromEnv({ HF_HUB_CACHE: join(cacheRoot, 'size') }, { fetch: fakeHub({ size: GRAPH.length + 5, sha256: sha(GRAPH) }) })
    await expect(resolveHubModel({ hub: REPO, revision: 'main' }, 'fp32', options)).rejects.toThrow(
      `download is ${GRAPH.length} bytes but the repository listing says ${GRAPH.length + 5}`,
    )
  })

  test('matching size and sha256: the snapshot directory', async () => {
    const cacheDir = join(cacheRoot, 'ok')
    const options = dataOptionsFromEnv({ HF_HUB_CACHE: cacheDir }, { fetch: fakeHub({ size: GRAPH.length, sha256: sha(GRAPH) }) })
    expect(await resolveHubModel({ hub: REPO, revision: 'main' }, 'fp32', options)).toBe(join(cacheDir, 'models--owner--model', 'snapshots', COMMIT))
  })

  test('a malformed hub id is refused before any request', async () => {
    const options = dataOptionsFromEnv({}, { fetch: (() => Promise.reject(new Error('no request expected'))) as typeof fetch })
    await expect(resolveHubModel({ hub: '../etc', revision: 'main' }, 'fp32', options)).rejects.toThrow(
      'model ../etc@main: repo "../etc" is not of the form owner/name',
    )
  })
})
