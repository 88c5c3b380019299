import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dataOptionsFromEnv } from '../hub/hub-options.ts'
import { startHubStandIn, type HubStandIn, type StandInRepo } from '../../test-support/hub-stand-in.ts'
import { formatPlan, hubStudySettingsFromEnv, planDownloads, studyDeviceFromEnv, studyDtype, hubModel, type StudyModel } from './hub-study.ts'
import { MOBILELLM_MODELS } from './mobilellm.ts'

const TOKEN = 'hf_plan_secret'
const bytes = (n: number) => Buffer.alloc(n, 7)

/** Plan mode reads only the listing: repos with files of known sizes are enough. */
const repos: StandInRepo[] = [
  {
    repo: 'onnx-community/MobileLLM-125M',
    commit: 'a'.repeat(40),
    files: new Map([
      ['config.json', bytes(700)],
      ['generation_config.json', bytes(120)],
      ['tokenizer.json', bytes(1_800_000)],
      ['tokenizer_config.json', bytes(141)],
      ['onnx/model.onnx', bytes(500_000)],
      ['onnx/model_fp16.onnx', bytes(250_000)],
      ['onnx/model_quantized.onnx', bytes(130_000)],
      ['README.md', bytes(10)],
    ]),
  },
  {
    repo: 'onnx-community/MobileLLM-1B',
    commit: 'b'.repeat(40),
    files: new Map([
      ['config.json', bytes(710)],
      ['tokenizer.json', bytes(1_800_000)],
      ['tokenizer_config.json', bytes(141)],
      ['onnx/model_quantized.onnx', bytes(90_000)],
      ['onnx/model_quantized.onnx_data', bytes(1_100_000)],
    ]),
  },
]
const models: StudyModel[] = MOBILELLM_MODELS.filter(m => m.name === 'MobileLLM-125M' || m.name === 'MobileLLM-1B')

let hub: HubStandIn
beforeAll(async () => {
  hub = await startHubStandIn(repos, { token: TOKEN })
})
afterAll(() => hub.close())

const hubOptions = (env: Record<string, string> = {}) =>
  dataOptionsFromEnv({ HF_ENDPOINT: hub.endpoint, HF_TOKEN: TOKEN, HF_HUB_CACHE: '/nonexistent', ...env })

describe('planDownloads', () => {
  test('every model × task case with the files it needs and their sizes, on CPU with q8', async () => {
    const plan = await planDownloads(models, ['wikitext', 'arc_easy'], { device: 'cpu', hubOptions: hubOptions() })
    expect(plan.cases.map(c => `${c.model}/${c.task}`)).toEqual([
      'MobileLLM-125M/wikitext',
      'MobileLLM-125M/arc_easy',
      'MobileLLM-1B/wikitext',
      'MobileLLM-1B/arc_easy',
    ])
    const [small, , large] = plan.cases
    expect(small!.dtype).toBe('q8')
    expect(small!.commit).toBe('a'.repeat(40))
    expect(small!.files).toEqual([
      { path: 'config.json', size: 700 },
      { path: 'tokenizer.json', size: 1_800_000 },
      { path: 'tokenizer_config.json', size: 141 },
      { path: 'generation_config.json', size: 120 },
      { path: 'onnx/model_quantized.onnx', size: 130_000 },
    ])
    expect(small!.bytes).toBe(700 + 1_800_000 + 141 + 120 + 130_000)
    expect(large!.files.map(f => f.path)).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model_quantized.onnx_data',
      'onnx/model_quantized.onnx',
    ])
    expect(large!.bytes).toBe(710 + 1_800_000 + 141 + 1_100_000 + 90_000)
    expect(plan.totalBytes).toBe(small!.bytes + large!.bytes)
    expect(formatPlan(plan)).toContain('MobileLLM-125M × wikitext: onnx-community/MobileLLM-125M@main (resolves to aaaa')
    // 1,930,961 + 2,990,851 bytes
    expect(formatPlan(plan)).toContain('4 cases; 4.9 MB of model files to download')
    expect(formatPlan(plan)).toContain('  tokenizer_config.json  0.1 kB')
  })

  test('CUDA picks fp16; a repo without that dtype fails naming it', async () => {
    const plan = await planDownloads(models.slice(0, 1), ['piqa'], { device: 'cuda', hubOptions: hubOptions() })
    expect(plan.cases[0]!.files.at(-1)).toEqual({ path: 'onnx/model_fp16.onnx', size: 250_000 })
    await expect(planDownloads(models, ['piqa'], { device: 'cuda', hubOptions: hubOptions() })).rejects.toThrow(
      'onnx-community/MobileLLM-1B@main (commit bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb) has no onnx/model_fp16.onnx for dtype fp16; dtypes this repository offers: q8',
    )
  })

  test('offline it plans from the declared models and the layout, without a request, and says what it could not resolve', async () => {
    const before = hub.log.length
    const offline = [...models, hubModel('tiny-fp32', 'someone/tiny', 1e6, { dtype: 'fp32', outOfRange: 'below the range, for contrast' })]
    const plan = await planDownloads(offline, ['piqa'], { device: 'cpu', hubOptions: hubOptions({ HF_HUB_OFFLINE: '1' }) })
    expect(hub.log).toHaveLength(before)
    expect(plan.listed).toBe(false)
    expect(plan.cases.map(c => [c.model, c.dtype, c.commit])).toEqual([
      ['MobileLLM-125M', 'q8', null],
      ['MobileLLM-1B', 'q8', null],
      ['tiny-fp32', 'fp32', null],
    ])
    expect(plan.cases[2]!.files.map(f => f.path)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'])
    expect(formatPlan(plan).split('\n')).toEqual([
      'HF_HUB_OFFLINE is set: files by the transformers.js layout, without sizes, commits or external data; run online to resolve them',
      'MobileLLM-125M × piqa: onnx-community/MobileLLM-125M@main (not resolved offline), q8 on cpu',
      '  config.json',
      '  tokenizer.json',
      '  tokenizer_config.json',
      '  onnx/model_quantized.onnx',
      'MobileLLM-1B × piqa: onnx-community/MobileLLM-1B@main (not resolved offline), q8 on cpu',
      '  config.json',
      '  tokenizer.json',
      '  tokenizer_config.json',
      '  onnx/model_quantized.onnx',
      'tiny-fp32 × piqa: someone/tiny@main (not resolved offline), fp32 on cpu',
      '  out of range: below the range, for contrast',
      '  config.json',
      '  tokenizer.json',
      '  tokenizer_config.json',
      '  onnx/model.onnx',
      '3 cases; sizes unknown offline',
    ])
  })

  test('an unreachable hub fails naming the model and the endpoint', async () => {
    const closed = await startHubStandIn([])
    await closed.close()
    const options = dataOptionsFromEnv({ HF_ENDPOINT: closed.endpoint, HF_HUB_CACHE: '/nonexistent' })
    await expect(planDownloads(models, ['piqa'], { device: 'cpu', hubOptions: options })).rejects.toThrow(
      `onnx-community/MobileLLM-125M@main: could not reach ${closed.endpoint}`,
    )
  })
})

describe('model list, device and dtype', () => {
  test("the paper's five sizes, then R1; every revision an unpinned placeholder, every id unverified", () => {
    expect(MOBILELLM_MODELS.map(m => m.nominalParameters)).toEqual([125e6, 350e6, 600e6, 1e9, 1.5e9])
    for (const m of MOBILELLM_MODELS) {
      expect(m.pinned).toBe(/^[0-9a-f]{40}$/.test(m.revision))
      expect(m.verified).toBe(false)
    }
  })

  test('a model is pinned exactly when its declared revision is a commit', () => {
    expect(hubModel('m', 'o/m', 1e8)).toMatchObject({ revision: 'main', pinned: false })
    expect(hubModel('m', 'o/m', 1e8, { revision: 'v1.0' })).toMatchObject({ revision: 'v1.0', pinned: false })
    expect(hubModel('m', 'o/m', 1e8, { revision: 'c'.repeat(40) })).toMatchObject({ revision: 'c'.repeat(40), pinned: true })
  })

  test('LMSCALE_DEVICE and LMSCALE_DTYPE', () => {
    expect(studyDeviceFromEnv({})).toBe('cpu')
    expect(studyDeviceFromEnv({ LMSCALE_DEVICE: 'CUDA' })).toBe('cuda')
    expect(() => studyDeviceFromEnv({ LMSCALE_DEVICE: 'gpu' })).toThrow('LMSCALE_DEVICE="gpu" is not a device: use cpu or cuda')
    expect(studyDtype('cuda', {})).toBe('fp16')
    expect(studyDtype('cpu', {})).toBe('q8')
    expect(studyDtype('cpu', { LMSCALE_DTYPE: 'q4' })).toBe('q4')
    expect(() => studyDtype('cuda', { LMSCALE_DTYPE: 'q4' })).toThrow('LMSCALE_DTYPE="q4" is not offered on cuda: use one of fp16, fp32')
  })
})

describe('LMSCALE_SHARD: a study split across runners by model', () => {
  const names = (shard: string) => hubStudySettingsFromEnv(MOBILELLM_MODELS, { LMSCALE_SHARD: shard }).models.map(m => m.name)

  test('two shards: every model in exactly one, nominal parameters balanced greedily (1.85B against 1.725B)', () => {
    // Largest first onto the lighter shard: 1.5B → 1; 1B → 2; 600M → 2 (1.6B); 350M → 1 (1.85B); 125M → 2 (1.725B).
    expect(names('1/2')).toEqual(['MobileLLM-350M', 'MobileLLM-1.5B'])
    expect(names('2/2')).toEqual(['MobileLLM-125M', 'MobileLLM-600M', 'MobileLLM-1B'])
    expect(hubStudySettingsFromEnv(MOBILELLM_MODELS, {}).models).toEqual(MOBILELLM_MODELS)
  })

  test('bad shards are named', () => {
    expect(() => names('3/2')).toThrow('LMSCALE_SHARD="3/2" is not a shard: use i/n with 1 ≤ i ≤ n, e.g. 1/2')
    expect(() => names('half')).toThrow('LMSCALE_SHARD="half" is not a shard')
    expect(() => names('1/6')).toThrow('LMSCALE_SHARD="1/6": 5 models cannot fill 6 shards; use at most 5')
  })
})
