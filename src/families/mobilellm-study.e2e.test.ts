/**
 * The MobileLLM study end to end, offline: forged MobileLLM-like models (32k SentencePiece vocabulary, empty
 * special tokens in tokenizer_config.json) served under the MobileLLM ids by a hub stand-in on 127.0.0.1,
 * fixture datasets through LMSCALE_DATA_DIR, and the real study file and config run in child processes:
 * plan mode, then `vitest bench --run`. The forged models are random, so the bands fail: the test checks that
 * they fail exactly where a band is violated, and that each failure names the model, task and metric. The fixture
 * WikiText-2 text is 38 tokens, shorter than one 2048-token chunk, so every wikitext2_chunks case fails with that
 * error: it is asserted as such (the chunked method itself is tested in src/eval).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { writeFixtureDatasets } from '../../test-support/write-fixtures.ts'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { sentencePieceVocabulary } from '../forge/sentencepiece-tokenizer.ts'
import { resultsSchema, type ResultsDocument } from '../core/schema.ts'
import { forgeMobileLlmRepo, mobileLlmLikeConfig, startHubStandIn, type HubStandIn, type StandInRepo } from '../../test-support/hub-stand-in.ts'
import { MOBILELLM_MODELS } from './mobilellm.ts'
import { runVitest, type VitestOutcome } from '../../test-support/run-vitest.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const TOKEN = 'hf_mobilellm_e2e_secret'
// Every fixture task has at least 2 documents: the limit must cut each to exactly 2.
const LIMIT = 2
const TASKS = ['wikitext2_sliding', 'wikitext2_chunks', 'arc_easy', 'arc_challenge', 'boolq', 'piqa', 'siqa', 'hellaswag', 'openbookqa', 'winogrande']
const commitOf = (i: number) => String(i + 1).repeat(40)

let root: string
let hub: HubStandIn
let repos: StandInRepo[]

const hubEnv = () => ({ HF_ENDPOINT: hub.endpoint, HF_TOKEN: TOKEN, HF_HUB_CACHE: join(root, 'hub-cache'), LMSCALE_DTYPE: 'fp32' })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lmscale-mobilellm-e2e-'))
  const vocabulary = sentencePieceVocabulary(loadBrownCorpus().train.map(documentText), 32_000)
  repos = []
  for (const [i, model] of MOBILELLM_MODELS.entries()) {
    // Growing widths so the sizes differ; grouped-query attention as in MobileLLM (3 query heads per KV head).
    const config = mobileLlmLikeConfig(24 * (i + 1), 2, 3, 1)
    repos.push(await forgeMobileLlmRepo(model.hub, commitOf(i), config, vocabulary, join(root, 'forged', model.name), { seed: 3 + i }))
  }
  hub = await startHubStandIn(repos, { token: TOKEN })
  await writeFixtureDatasets(join(root, 'data'))
}, 120_000)

afterAll(async () => {
  await hub?.close()
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('plan mode (`npm run plan:mobilellm`)', () => {
  test('lists every (model, task) case with the files it would download and the sizes the hub serves', async () => {
    const outcome = await runVitest(repoRoot, ['run', '--config', 'vitest.mobilellm.config.ts', '--mode', 'plan'], hubEnv())
    expect(outcome.code, outcome.output).toBe(0)
    for (const [i, model] of MOBILELLM_MODELS.entries()) {
      for (const task of TASKS) {
        expect(outcome.output).toContain(`${model.name} × ${task}: ${model.hub}@main (resolves to ${commitOf(i)}: pin it), fp32 on cpu`)
      }
      const repo = repos[i]!
      for (const path of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
        const size = repo.files.get(path)!.length
        // formatPlan prints kB below 1 MB, MB above, one decimal
        const shown = size < 1e6 ? `${(size / 1e3).toFixed(1)} kB` : `${(size / 1e6).toFixed(1)} MB`
        expect(outcome.output).toContain(`  ${path}  ${shown}`)
      }
    }
    expect(outcome.output).toContain(`${MOBILELLM_MODELS.length * TASKS.length} cases;`)
    expect(outcome.output).not.toContain(TOKEN)
    // Plan mode reads listings only: nothing was downloaded.
    expect(existsSync(join(root, 'hub-cache'))).toBe(false)
  }, 60_000)

  test('offline it plans from the declared models alone and says so, asking the hub nothing', async () => {
    const before = hub.log.length
    const outcome = await runVitest(repoRoot, ['run', '--config', 'vitest.mobilellm.config.ts', '--mode', 'plan'], { ...hubEnv(), HF_HUB_OFFLINE: '1' })
    expect(outcome.code, outcome.output).toBe(0)
    expect(outcome.output).toContain('HF_HUB_OFFLINE is set: files by the transformers.js layout, without sizes, commits or external data')
    expect(outcome.output).toContain('MobileLLM-1B × hellaswag: onnx-community/MobileLLM-1B@main (not resolved offline), fp32 on cpu')
    expect(outcome.output).toContain(`${MOBILELLM_MODELS.length * TASKS.length} cases; sizes unknown offline`)
    expect(hub.log).toHaveLength(before)
  }, 60_000)

  test('at a quantized dtype each model gains its fp32 export as a reference-only model and a fidelity case against it', async () => {
    const outcome = await runVitest(repoRoot, ['run', '--config', 'vitest.mobilellm.config.ts', '--mode', 'plan'], {
      ...hubEnv(),
      HF_HUB_OFFLINE: '1',
      LMSCALE_DTYPE: 'q8',
    })
    expect(outcome.code, outcome.output).toBe(0)
    for (const model of MOBILELLM_MODELS) {
      expect(outcome.output).toContain(`${model.name}-fp32 (reference only, no cases): ${model.hub}@main (not resolved offline), fp32 on cpu\n  config.json`)
      expect(outcome.output).toContain(`${model.name} × wikitext2_fidelity against ${model.name}-fp32: ${model.hub}@main (not resolved offline), q8 on cpu`)
      expect(outcome.output).toContain(`${model.name} × hellaswag: ${model.hub}@main (not resolved offline), q8 on cpu`)
    }
    expect(outcome.output).toContain(`${MOBILELLM_MODELS.length * (TASKS.length + 1)} cases; sizes unknown offline`)
  }, 60_000)
})

describe('the study under `vitest bench --run` (`npm run study:mobilellm`)', () => {
  let project: string
  let run: VitestOutcome
  let results: ResultsDocument

  beforeAll(async () => {
    // A scratch project whose config and study file are the repository's own, so reports land in the scratch dir.
    project = join(root, 'project')
    mkdirSync(join(project, 'studies'), { recursive: true })
    symlinkSync(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir')
    writeFileSync(join(project, 'package.json'), '{ "name": "scratch-mobilellm", "private": true, "type": "module" }\n')
    writeFileSync(join(project, 'vitest.config.ts'), `export { default } from '${join(repoRoot, 'vitest.mobilellm.config.ts')}'\n`)
    writeFileSync(join(project, 'studies', 'mobilellm.bench.ts'), `import '${join(repoRoot, 'studies', 'mobilellm.bench.ts')}'\n`)
    run = await runVitest(project, ['bench', '--run'], {
      ...hubEnv(),
      LMSCALE_DATA_DIR: join(root, 'data'),
      LMSCALE_LIMIT: String(LIMIT),
      LMSCALE_THROUGHPUT: '0',
    })
    results = resultsSchema.parse(JSON.parse(readFileSync(join(project, 'reports', 'results.json'), 'utf8')))
  }, 180_000)

  test('one case per (model, task), each loaded from the stand-in into HF_HUB_CACHE', () => {
    expect(results.cases.map(c => `${c.model} › ${c.task}`).sort()).toEqual(MOBILELLM_MODELS.flatMap(m => TASKS.map(t => `${m.name} › ${t}`)).sort())
    for (const [i, model] of MOBILELLM_MODELS.entries()) {
      const snapshot = join(root, 'hub-cache', `models--${model.hub.replace('/', '--')}`, 'snapshots', commitOf(i))
      expect(readFileSync(join(snapshot, 'onnx', 'model.onnx')).equals(repos[i]!.files.get('onnx/model.onnx')!)).toBe(true)
    }
    const hubRequests = hub.log.filter(entry => !entry.url.startsWith('/storage/'))
    expect(hubRequests.length).toBeGreaterThan(0)
    expect(hubRequests.every(entry => entry.authorization === `Bearer ${TOKEN}`)).toBe(true)
  })

  test('every result records the hub id, the revision, fp32 on cpu, the limit and the special-token fix', () => {
    for (const c of results.cases) {
      if (c.task === 'wikitext2_chunks') {
        expect(c.record).toBeNull()
        expect(c.errors.join('\n')).toContain('shorter than one 2048-token chunk; the remainder is dropped, leaving nothing to score')
        continue
      }
      const record = c.record
      expect(record, `${c.name}: ${c.errors.join('; ')}`).not.toBeNull()
      const model = MOBILELLM_MODELS.find(m => m.name === c.model)!
      expect(record!.model).toMatchObject({ source: model.hub, revision: 'main', specialTokens: { bos: '<s>', eos: '</s>', unk: '<unk>' } })
      // The commit 'main' resolved to, and every model file's sha256 (checked against the stand-in's bytes).
      const index = MOBILELLM_MODELS.indexOf(model)
      expect(record!.model.commit).toBe(commitOf(index))
      const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
      expect(record!.model.files!['tokenizer.json']).toBe(sha256(repos[index]!.files.get('tokenizer.json')!))
      expect(record!.model.files!['onnx/model.onnx']).toBe(sha256(repos[index]!.files.get('onnx/model.onnx')!))
      // Dataset files from LMSCALE_DATA_DIR: their sha256, and no commit (a local directory has none to tell).
      expect(record!.data!.length).toBeGreaterThan(0)
      for (const file of record!.data!) {
        expect(file.sha256).toBe(sha256(readFileSync(join(root, 'data', file.repo, file.path))))
        expect(file.commit).toBeNull()
      }
      expect(record!.options).toEqual({ device: 'cpu', dtype: 'fp32', threads: null, limit: LIMIT })
      expect(record!.throughput).toBeNull()
      if (c.task !== 'wikitext2_sliding') expect(record!.n).toBe(LIMIT)
    }
  })

  test('bands: perplexity near the prior study (none for 1.5B), accuracy near the paper; a case fails exactly when one is violated', () => {
    const bandsOf = (model: string, task: string) => results.cases.find(c => c.model === model && c.task === task)!.bands
    expect(bandsOf('MobileLLM-350M', 'wikitext2_sliding').map(b => b.band)).toEqual([{ near: 8.976614, relative: 0.03 }])
    expect(bandsOf('MobileLLM-1.5B', 'wikitext2_sliding')).toEqual([])
    expect(bandsOf('MobileLLM-1B', 'wikitext2_chunks')).toEqual([])
    // With LIMIT = 2 documents the sampling error dominates: 125M hellaswag, paper 38.9%, acc_norm:
    // 0.05 + 3·sqrt(0.389·0.611/2) = 1.0842… → [0, 1]. (Bands at the full document counts: mobilellm-study.test.ts.)
    expect(bandsOf('MobileLLM-125M', 'hellaswag').map(b => [b.metric, b.band])).toEqual([['acc_norm', { min: 0, max: 1 }]])
    expect(bandsOf('MobileLLM-1B', 'boolq').map(b => b.metric)).toEqual(['acc'])

    for (const c of results.cases) {
      const violated = c.bands.filter(b => !b.pass)
      expect(c.state, c.name).toBe(violated.length > 0 || c.task === 'wikitext2_chunks' ? 'failed' : 'passed')
    }
    // A random 32k-vocabulary model is nowhere near perplexity 12: every sliding-window band fails.
    for (const model of ['MobileLLM-125M', 'MobileLLM-350M', 'MobileLLM-600M', 'MobileLLM-1B']) {
      const check = bandsOf(model, 'wikitext2_sliding')[0]!
      expect(check.pass).toBe(false)
      expect(check.value).toBeGreaterThan(1000)
      expect(run.output).toContain(`${model} › wikitext2_sliding perplexity`)
    }
    expect(run.code).toBe(1)
    // Every revision of this study is the placeholder 'main': said loudly.
    expect(run.output).toContain(`⚠ model MobileLLM-125M: onnx-community/MobileLLM-125M@main (ran ${commitOf(0)})`)
  })

  test('junit.xml has one testcase per (model, task); each failure names the model, task, metric and value', () => {
    const xml = readFileSync(join(project, 'reports', 'junit.xml'), 'utf8')
    const testcases = [...xml.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)]
    expect(testcases.map(m => m[1]!.replaceAll('&gt;', '>')).sort()).toEqual(MOBILELLM_MODELS.flatMap(m => TASKS.map(t => `${m.name} › ${t}`)).sort())
    const bandFailures = results.cases.filter(c => c.bands.some(b => !b.pass))
    expect(bandFailures.length).toBeGreaterThanOrEqual(4)
    for (const c of bandFailures) {
      const check = c.bands.find(b => !b.pass)!
      expect(xml).toContain(`message="${c.model} › ${c.task}: ${check.metric} = ${check.value}, outside band`)
    }
  })
})
