/**
 * Test helper: a stand-in for the Hugging Face hub on 127.0.0.1 serving forged MobileLLM-like repositories, with
 * the hub's repo API (`/api/models/<repo>/revision/<rev>?blobs=true`), resolve URLs (`/<repo>/resolve/<rev>/<path>`,
 * LFS files redirected to storage with X-Linked-Size / X-Linked-Etag) and a bearer-token check. Every request is
 * logged so tests can count them.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import type { DecoderConfig } from '../src/forge/config.ts'
import { forgeDecoder } from '../src/forge/forge-decoder.ts'
import { onnx } from '../src/onnx/proto.ts'
import { randomDecoderWeights } from '../src/forge/random-weights.ts'
import {
  LLAMA_SPECIAL_TOKENS,
  mobileLlmTokenizerConfig,
  sentencePieceTokenizerJson,
  type SentencePieceVocabulary,
} from '../src/forge/sentencepiece-tokenizer.ts'

export interface StandInRepo {
  readonly repo: string
  /** The commit `main` and the pinned revision resolve to. */
  readonly commit: string
  /** Path inside the repository → contents. */
  readonly files: ReadonlyMap<string, Buffer>
}

export interface LoggedRequest {
  readonly url: string
  readonly authorization: string | undefined
}

export interface HubStandIn {
  readonly endpoint: string
  readonly log: LoggedRequest[]
  close(): Promise<void>
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const isLfs = (path: string) => /\.onnx(_data(_\d+)?)?$/.test(path)

/** A MobileLLM-shaped decoder scaled down: tied embeddings, grouped-query attention, 32k SentencePiece vocabulary. */
export function mobileLlmLikeConfig(hiddenSize: number, numLayers: number, numHeads: number, numKvHeads: number): DecoderConfig {
  return {
    vocabSize: 32_000,
    hiddenSize,
    intermediateSize: hiddenSize * 2,
    numLayers,
    numHeads,
    numKvHeads,
    ropeTheta: 10_000,
    rmsNormEps: 1e-5,
    maxPositionEmbeddings: 2048,
    tieWordEmbeddings: true,
    bosTokenId: 1,
    eosTokenId: 2,
  }
}

/** Moves every initializer of a forged graph into `<graph>_data`, as large exports ship their weights. */
async function moveWeightsToExternalData(graphPath: string): Promise<void> {
  const model = onnx.ModelProto.decode(await readFile(graphPath))
  const location = `${graphPath.split('/').at(-1)!}_data`
  const chunks: Uint8Array[] = []
  let offset = 0
  for (const tensor of model.graph?.initializer ?? []) {
    if (!tensor.rawData || tensor.rawData.length === 0) continue
    chunks.push(tensor.rawData)
    tensor.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(tensor.rawData.length) },
    ]
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL
    offset += tensor.rawData.length
    tensor.rawData = new Uint8Array(0)
  }
  await writeFile(`${graphPath}_data`, Buffer.concat(chunks))
  await writeFile(graphPath, onnx.ModelProto.encode(model).finish())
}

async function filesUnder(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    files.set(relative(root, full).split('\\').join('/'), await readFile(full))
  }
  return files
}

/**
 * Forges a MobileLLM-like repository into `dir` (random weights, the shipped tokenizer_config.json quirk of empty
 * special tokens) and returns its files. With `externalData`, the fp32 graph keeps its weights in model.onnx_data.
 */
export async function forgeMobileLlmRepo(
  repo: string,
  commit: string,
  config: DecoderConfig,
  vocabulary: SentencePieceVocabulary,
  dir: string,
  { seed = 7, externalData = false } = {},
): Promise<StandInRepo> {
  await forgeDecoder(
    config,
    randomDecoderWeights(config, seed),
    { json: sentencePieceTokenizerJson(vocabulary), bosToken: LLAMA_SPECIAL_TOKENS.bos, eosToken: LLAMA_SPECIAL_TOKENS.eos, addBosToken: true },
    dir,
  )
  await writeFile(join(dir, 'tokenizer_config.json'), `${JSON.stringify(mobileLlmTokenizerConfig(config.maxPositionEmbeddings), null, 2)}\n`)
  if (externalData) await moveWeightsToExternalData(join(dir, 'onnx', 'model.onnx'))
  return { repo, commit, files: await filesUnder(dir) }
}

/** Starts the stand-in. With `token`, every API and resolve request must carry `Authorization: Bearer <token>`. */
export async function startHubStandIn(repos: readonly StandInRepo[], { token }: { token?: string } = {}): Promise<HubStandIn> {
  const log: LoggedRequest[] = []
  const blobs = new Map<string, Buffer>()
  for (const repo of repos) for (const body of repo.files.values()) blobs.set(sha256(body), body)

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    log.push({ url: req.url ?? '', authorization: req.headers.authorization })
    if (url.pathname.startsWith('/storage/')) {
      const body = blobs.get(url.pathname.slice('/storage/'.length))
      if (!body) res.writeHead(404).end()
      else res.writeHead(200, { 'content-length': body.length }).end(body)
      return
    }
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(req.headers.authorization ? 403 : 401).end()
      return
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname)
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname)
    const [repoId, revision] = [decodeURIComponent((api ?? resolve)?.[1] ?? ''), decodeURIComponent((api ?? resolve)?.[2] ?? '')]
    const repo = repos.find(r => r.repo === repoId && (revision === r.commit || revision === 'main'))
    if (!repo) {
      res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end()
      return
    }
    if (api) {
      const blobsWanted = url.searchParams.get('blobs') === 'true'
      const siblings = [...repo.files].map(([path, body]) => ({
        rfilename: path,
        ...(blobsWanted ? { size: body.length, blobId: createHash('sha1').update(body).digest('hex') } : {}),
        ...(blobsWanted && isLfs(path) ? { lfs: { sha256: sha256(body), size: body.length, pointerSize: 134 } } : {}),
      }))
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repo.repo, sha: repo.commit, siblings }))
      return
    }
    const path = decodeURIComponent(resolve![3]!)
    const body = repo.files.get(path)
    if (!body) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end()
      return
    }
    if (isLfs(path)) {
      res
        .writeHead(302, {
          location: `/storage/${sha256(body)}`,
          'x-repo-commit': repo.commit,
          'x-linked-size': String(body.length),
          'x-linked-etag': `"${sha256(body)}"`,
        })
        .end()
      return
    }
    res.writeHead(200, { 'x-repo-commit': repo.commit, etag: `"${createHash('sha1').update(body).digest('hex')}"`, 'content-length': body.length }).end(body)
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => new Promise<void>(done => server.close(() => done())),
  }
}
