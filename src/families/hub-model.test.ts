/**
 * Loading MobileLLM-like models from a stand-in hub on 127.0.0.1: the real hub code path (repo API listing, resolve
 * URLs, HF_TOKEN, HF_HUB_CACHE, HF_HUB_OFFLINE) with forged 32k-vocabulary models that carry MobileLLM's
 * empty-special-token tokenizer_config.json.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { sentencePieceVocabulary } from '../forge/sentencepiece-tokenizer.ts'
import { LanguageModel } from '../models/language-model.ts'
import { forgeMobileLlmRepo, mobileLlmLikeConfig, startHubStandIn, type HubStandIn, type StandInRepo } from '../../test-support/hub-stand-in.ts'
import { MOBILELLM_SPECIAL_TOKENS } from './mobilellm.ts'

const TOKEN = 'hf_standin_secret_token_123'
const SMALL = { repo: 'onnx-community/MobileLLM-125M', commit: '1'.repeat(40) }
const EXTERNAL = { repo: 'onnx-community/MobileLLM-350M', commit: '2'.repeat(40) }

let root: string
let hub: HubStandIn
let small: StandInRepo
let external: StandInRepo
let cacheDir: string
let caseNumber = 0

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lmscale-standin-'))
  const vocabulary = sentencePieceVocabulary(loadBrownCorpus().train.map(documentText), 32_000)
  small = await forgeMobileLlmRepo(SMALL.repo, SMALL.commit, mobileLlmLikeConfig(48, 2, 6, 2), vocabulary, join(root, 'forged', '125M'))
  external = await forgeMobileLlmRepo(EXTERNAL.repo, EXTERNAL.commit, mobileLlmLikeConfig(60, 3, 5, 1), vocabulary, join(root, 'forged', '350M'), {
    seed: 11,
    externalData: true,
  })
  hub = await startHubStandIn([small, external], { token: TOKEN })
}, 120_000)

afterAll(async () => {
  await hub.close()
  await rm(root, { recursive: true, force: true })
})

beforeEach(() => {
  cacheDir = join(root, `cache-${caseNumber++}`)
  vi.stubEnv('HF_ENDPOINT', hub.endpoint)
  vi.stubEnv('HF_TOKEN', TOKEN)
  vi.stubEnv('HF_HUB_CACHE', cacheDir)
  vi.stubEnv('HF_HUB_OFFLINE', '')
  hub.log.length = 0
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

const fix = { specialTokens: MOBILELLM_SPECIAL_TOKENS }
const REQUEST = [{ context: 'The jury said', continuation: ' it did.' }]

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort()
}

describe('LanguageModel.load from the hub (stand-in)', () => {
  test('downloads the transformers.js layout into models--owner--name/snapshots/<commit>, byte for byte, with the token', async () => {
    const model = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix)
    try {
      const snapshot = join(cacheDir, 'models--onnx-community--MobileLLM-125M', 'snapshots', SMALL.commit)
      expect(model.dir).toBe(snapshot)
      expect(model.id).toBe(`${SMALL.repo}@${SMALL.commit}`)
      expect(await filesIn(snapshot)).toEqual(['config.json', 'generation_config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'])
      for (const path of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) {
        expect((await readFile(join(snapshot, path))).equals(small.files.get(path)!)).toBe(true)
      }
      expect(hub.log[0]!.url).toBe(`/api/models/${SMALL.repo}/revision/${SMALL.commit}?blobs=true`)
      const hubRequests = hub.log.filter(entry => !entry.url.startsWith('/storage/'))
      expect(hubRequests.every(entry => entry.authorization === `Bearer ${TOKEN}`)).toBe(true)
    } finally {
      await model.release()
    }
  })

  test('scores exactly as the forged directory loaded directly', async () => {
    const fromHub = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix)
    const direct = await LanguageModel.fromDirectory(join(root, 'forged', '125M'), fix)
    try {
      const [a] = await fromHub.loglikelihood(REQUEST)
      const [b] = await direct.loglikelihood(REQUEST)
      expect(Number.isFinite(a!.logLikelihood)).toBe(true)
      expect(a!.logLikelihood).toBe(b!.logLikelihood)
    } finally {
      await fromHub.release()
      await direct.release()
    }
  })

  test('the second load is a cache hit without any request, and offline loading works afterwards', async () => {
    const first = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix)
    await first.release()
    const requests = hub.log.length
    expect(requests).toBeGreaterThan(0)
    const second = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix)
    await second.release()
    vi.stubEnv('HF_HUB_OFFLINE', '1')
    const offline = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix)
    await offline.release()
    expect(hub.log).toHaveLength(requests)
    expect(offline.dir).toBe(first.dir)
  })

  test('a branch revision records its commit in refs/, so the branch also loads offline', async () => {
    const model = await LanguageModel.load({ hub: SMALL.repo, revision: 'main' }, fix)
    await model.release()
    expect(await readFile(join(cacheDir, 'models--onnx-community--MobileLLM-125M', 'refs', 'main'), 'utf8')).toBe(SMALL.commit)
    vi.stubEnv('HF_HUB_OFFLINE', '1')
    const requests = hub.log.length
    const offline = await LanguageModel.load({ hub: SMALL.repo, revision: 'main' }, fix)
    await offline.release()
    expect(offline.dir).toBe(model.dir)
    expect(hub.log).toHaveLength(requests)
  })

  test('a repository with external data: model.onnx_data is downloaded beside the graph and the model runs', async () => {
    const fromHub = await LanguageModel.load({ hub: EXTERNAL.repo, revision: EXTERNAL.commit }, fix)
    const direct = await LanguageModel.fromDirectory(join(root, 'forged', '350M'), fix)
    try {
      expect(await filesIn(join(fromHub.dir, 'onnx'))).toContain('model.onnx_data')
      expect((await readFile(join(fromHub.dir, 'onnx', 'model.onnx_data'))).equals(external.files.get('onnx/model.onnx_data')!)).toBe(true)
      const [a] = await fromHub.loglikelihood(REQUEST)
      const [b] = await direct.loglikelihood(REQUEST)
      expect(a!.logLikelihood).toBe(b!.logLikelihood)
    } finally {
      await fromHub.release()
      await direct.release()
    }
  })
})

describe("MobileLLM's special-token quirk", () => {
  test('without the fix the tokenizer names no special tokens; the prefix id then comes from config.json (1)', async () => {
    const model = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit })
    try {
      const raw = model.tokenizer.raw as unknown as Record<string, unknown>
      expect([raw.bos_token, raw.bos_token_id, raw.eos_token_id, raw.unk_token_id]).toEqual([null, undefined, undefined, undefined])
      expect(model.specialTokens.prefix).toBe(1)
    } finally {
      await model.release()
    }
  })

  test('with the fix <s>=1, </s>=2, <unk>=0 are restored and BOS is prepended', async () => {
    const model = await LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix)
    try {
      const raw = model.tokenizer.raw as unknown as Record<string, unknown>
      expect([raw.bos_token, raw.bos_token_id, raw.eos_token_id, raw.unk_token_id]).toEqual(['<s>', 1, 2, 0])
      expect(model.specialTokens).toMatchObject({ bos: 1, eos: 2, prefix: 1 })
      expect(model.tokenizer.encode('the', { addSpecialTokens: true })[0]).toBe(1)
    } finally {
      await model.release()
    }
  })
})

describe('failures name the repository and say what to do; the token never shows', () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => new Error('expected a failure'),
      (error: unknown) => error as Error,
    )

  test('offline with an empty cache', async () => {
    vi.stubEnv('HF_HUB_OFFLINE', '1')
    const error = await failure(LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix))
    expect(error.message).toContain(`${SMALL.repo}@${SMALL.commit}: offline (HF_HUB_OFFLINE is set)`)
    expect(error.message).toContain('download it once online')
    expect(hub.log).toHaveLength(0)
  })

  test('a dtype the repository does not ship lists the ones it does', async () => {
    const error = await failure(LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, { ...fix, dtype: 'q4' }))
    expect(error.message).toContain('has no onnx/model_q4.onnx for dtype q4; dtypes this repository offers: fp32')
  })

  test('an unknown revision', async () => {
    const error = await failure(LanguageModel.load({ hub: SMALL.repo, revision: 'f'.repeat(40) }, fix))
    expect(error.message).toContain(`${SMALL.repo}@${'f'.repeat(40)}: repository or revision not found on the hub (HTTP 404)`)
  })

  test('a wrong token: HTTP 403 and a hint about HF_TOKEN, without the token in errors or console output', async () => {
    const wrong = 'hf_wrong_secret_987'
    vi.stubEnv('HF_TOKEN', wrong)
    const printed: string[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')))
    }
    const error = await failure(LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix))
    expect(error.message).toContain('HTTP 403')
    expect(error.message).toContain('set HF_TOKEN')
    expect(`${error.message}\n${error.stack}\n${printed.join('\n')}`).not.toContain(wrong)
    expect(hub.log[0]!.authorization).toBe(`Bearer ${wrong}`)
  })

  test('an unreachable hub', async () => {
    const closed = await startHubStandIn([])
    await closed.close()
    vi.stubEnv('HF_ENDPOINT', closed.endpoint)
    const error = await failure(LanguageModel.load({ hub: SMALL.repo, revision: SMALL.commit }, fix))
    expect(error.message).toContain(`${SMALL.repo}@${SMALL.commit}: could not reach ${closed.endpoint}`)
    expect(error.message).toContain('HF_HUB_OFFLINE=1')
    expect(error.message).not.toContain(TOKEN)
  })
})
