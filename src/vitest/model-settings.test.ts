/**
 * Per-model settings and per-task options through the default executor: a model with a 512-token context runs
 * WikiText-2's sliding window at 512/256 (checked against the bigram fixture's closed form) and lm-eval's tasks
 * at max length 512; truncation is counted per case and checked against lm-eval's rule computed here.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { writeFixtureDatasets } from '../../test-support/write-fixtures.ts'
import { writeParquetRows } from '../../test-support/write-parquet.ts'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { localDatasetPath } from '../hub/resolve-file.ts'
import { wikitext2RawLinesColumns, wikitext2RawLinesSource } from '../tasks/wikitext2-raw-lines.ts'
import { closedFormLogLikelihood, closedFormLogProbTable } from '../forge/bigram-model.ts'
import { ensureFixtureModels, fixtureDecoderConfig, FIXTURE_MODELS } from '../forge/fixture-family.ts'
import { readSafetensors } from '../forge/safetensors.ts'
import { dataOptionsFromEnv } from '../hub/hub-options.ts'
import { moveTrailingWhitespace } from '../scoring/encode.ts'
import { arcEasy } from '../tasks/arc-easy.ts'
import { wikitext2Sliding } from '../tasks/token-perplexity-tasks.ts'
import { createDefaultExecutor, FIXTURE_SOURCE_PREFIX } from './default-executor.ts'

const NAME = 'brown-bigram-s'
const noProgress = () => {}
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lmscale-settings-'))
  await writeFixtureDatasets(dataDir)
  // WikiText-2's raw lines replaced by held-out Brown text, long enough for several 512-token windows.
  const lines = loadBrownCorpus().heldOut.slice(0, 4).map(documentText)
  await writeParquetRows(
    localDatasetPath(dataDir, wikitext2RawLinesSource),
    wikitext2RawLinesColumns,
    lines.map(text => ({ text: ` ${text} \n` })),
  )
  vi.stubEnv('LMSCALE_DATA_DIR', dataDir)
  vi.stubEnv('HF_HUB_OFFLINE', '1')
})
afterAll(() => vi.unstubAllEnvs())

const load = async (maxLength: number) => {
  const executor = await createDefaultExecutor()
  const model = await executor.loadModel(
    { name: 's', source: `${FIXTURE_SOURCE_PREFIX}${NAME}`, maxLength },
    { device: 'cpu', dtype: 'fp32', threads: undefined },
  )
  return { executor, model }
}

describe('a model with a 512-token context', () => {
  test('runs wikitext2_sliding at window 512, stride 256: the closed form of the whole stream', async () => {
    const { executor, model } = await load(512)
    expect(model.identity!.settings.maxLength).toBe(512)
    const run = await executor.runCase(model, 'wikitext2_sliding', { limit: undefined, taskOptions: { window: 512, stride: 256 }, onProgress: noProgress })
    // Independent answer: a bigram model scores each token from its predecessor alone, whatever the window.
    const dir = (await ensureFixtureModels()).models.find(m => m.name === NAME)!.path
    const config = fixtureDecoderConfig(FIXTURE_MODELS.find(m => m.name === NAME)!)
    const table = closedFormLogProbTable(config, await readSafetensors(join(dir, 'model.safetensors')))
    const tokens = model.model.tokenizer.encode(await wikitext2Sliding.loadText(dataOptionsFromEnv()), { addSpecialTokens: true })
    expect(tokens.length).toBeGreaterThan(3 * 512) // several windows
    const perplexity = Math.exp(-closedFormLogLikelihood(table, config.vocabSize, tokens) / (tokens.length - 1))
    expect(run.n).toBe(tokens.length - 1)
    expect(Math.abs(run.metrics.perplexity!.value / perplexity - 1)).toBeLessThan(1e-5)
    // The task's default window (1024) does not fit a 512-token model.
    await expect(executor.runCase(model, 'wikitext2_sliding', { limit: undefined, onProgress: noProgress })).rejects.toThrow(
      'has a maximum length of 512; the sliding method needs windows of 1024 tokens',
    )
    await executor.release(model)
  })

  test('runs lm-eval tasks at its max length, counting truncation as lm-eval cuts: (context + continuation)[-(max_length + 1):]', async () => {
    for (const maxLength of [512, 12]) {
      const { executor, model } = await load(maxLength)
      const run = await executor.runCase(model, 'arc_easy', { limit: undefined, onProgress: noProgress })
      const encode = (text: string) => model.model.tokenizer.encode(text, { addSpecialTokens: true })
      const drops = (await arcEasy.loadDocuments(dataOptionsFromEnv()))
        .flatMap(doc => doc.requests)
        .map(request => {
          const { context, continuation } = moveTrailingWhitespace(request.context, request.continuation)
          return Math.max(0, encode(context + continuation).length - (maxLength + 1))
        })
        .filter(n => n > 0)
      expect(run.truncation).toEqual({ requests: drops.length, tokensDropped: drops.reduce((a, b) => a + b, 0), largestDrop: Math.max(0, ...drops) })
      if (maxLength === 12) expect(drops.length).toBeGreaterThan(0)
      else expect(drops).toEqual([])
      await executor.release(model)
    }
  })
})
