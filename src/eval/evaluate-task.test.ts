import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dataOptionsFromEnv, type DataOptions } from '../hub/hub-options.ts'
import { writeFixtureDatasets } from '../../test-support/write-fixtures.ts'
import { arcEasy } from '../tasks/arc-easy.ts'
import { boolq } from '../tasks/boolq.ts'
import { choicesAfterContext } from '../tasks/choice-documents.ts'
import type { ChoiceMetric, MultipleChoiceTask, RollingTask } from '../tasks/task-types.ts'
import { evaluateTask, taskDataFiles } from './evaluate-task.ts'
import type { LoglikelihoodRequest, Scorer } from '../scoring/scorer.ts'
import type { ChoiceItem } from '../core/executor.ts'
import { acc, rollingMetrics } from '../tasks/metric-definitions.ts'

/** The continuous scores of a two-choice document by hand, from the gold choice's probability p: Brier is 2(1 − p)². */
function scores(p: number, margin: number, goldLl: number) {
  return { gold_prob: expect.closeTo(p, 15), gold_margin: margin, brier: expect.closeTo(2 * (1 - p) ** 2, 15), gold_ll_per_token: goldLl }
}

/** A scorer whose answers we choose: −(code points of the continuation), with a few overrides. */
function fakeScorer(overrides: Record<string, number> = {}, rolling: number[] = []) {
  const calls: LoglikelihoodRequest[][] = []
  const scorer: Scorer = {
    id: 'fake',
    maxLength: 2048,
    async tokenNll() {
      throw new Error('not used')
    },
    async loglikelihood(requests) {
      calls.push([...requests])
      return requests.map(r => ({
        logLikelihood: overrides[r.continuation] ?? -[...r.continuation].length,
        isGreedy: false,
        continuationTokens: 1,
        truncatedTokens: 0,
      }))
    },
    async loglikelihoodRolling(documents) {
      return documents.map((_, i) => ({ logLikelihood: rolling[i] ?? 0, tokens: 10 + i }))
    },
  }
  return { scorer, calls }
}

let dir: string
let data: DataOptions

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lmscale-evaluate-'))
  await writeFixtureDatasets(dir)
  data = dataOptionsFromEnv({}, { localDir: dir, offline: true })
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('taskDataFiles names the files a task reads with the sha256 of their bytes, as evaluating it records them', async () => {
  const files = await taskDataFiles(arcEasy, { data })
  expect(files.length).toBeGreaterThan(0)
  for (const file of files) {
    const bytes = await readFile(join(dir, ...file.repo.split('/'), ...file.path.split('/')))
    expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
  }
  expect((await evaluateTask(arcEasy, fakeScorer().scorer, { data, limit: 1 })).dataFiles).toEqual(files)
})

describe('evaluateTask, multiple choice', () => {
  test('ARC-Easy fixture: hand-computed acc, acc_norm, stderr and per-item records', async () => {
    // LL = −len(" " + choice) except " whale" = −1. Per document (gold in brackets):
    //  1 [1]: −7 −15 −7 −5           → acc picks 3 ✗; per char −7/6 −15/14 −7/6 −5/4 → 1 ✓
    //  2 [1]: −6 −7 −7 −7            → acc picks 0 ✗; per char −6/5 −7/6 −7/6 −7/6 → tie, first = 1 ✓
    //  3 [1]: −6 −1 −6               → 1 ✓; per char −1.2 −0.2 −1.2 → 1 ✓
    //  4 [4]: −6 −6 −5 −8 −8         → 2 ✗; per char −1.2 −1.2 −1.25 −8/7 −8/7 → tie, first = 3 ✗
    const { scorer, calls } = fakeScorer({ ' whale': -1 })
    const result = await evaluateTask(arcEasy, scorer, { data })
    expect(calls).toHaveLength(1)
    expect(calls[0]).toHaveLength(4 + 4 + 3 + 5)
    expect(result.task).toBe('arc_easy')
    expect(result.taskVersion).toBe('1.0')
    expect(result.n).toBe(4)
    expect(result.items.kind).toBe('choice')
    const items = result.items.items as readonly ChoiceItem[]
    expect(items.map(item => item.acc)).toEqual([0, 0, 1, 0])
    expect(items.map(item => item.acc_norm)).toEqual([1, 1, 1, 0])
    // Document 3's continuous scores: p = e^−1 / (2e^−6 + e^−1) on the gold choice, margin −1 − (−6) = 5 nats.
    const pGold = Math.exp(-1) / (2 * Math.exp(-6) + Math.exp(-1))
    expect(items[2]).toEqual({
      gold: 1,
      ll: [-6, -1, -6],
      tokens: [1, 1, 1],
      acc: 1,
      acc_norm: 1,
      gold_prob: expect.closeTo(pGold, 15),
      gold_margin: 5,
      brier: expect.closeTo(2 * ((1 - pGold) / 2) ** 2 + (1 - pGold) ** 2, 15),
      gold_ll_per_token: -1,
    })
    // acc = 1/4, stderr sqrt(0.25 · 0.75 / 3) = 0.25; acc_norm = 3/4, stderr 0.25.
    expect(result.metrics.acc!.value).toBe(0.25)
    expect(result.metrics.acc!.stderr).toBeCloseTo(0.25, 15)
    expect(result.metrics.acc_norm!.value).toBe(0.75)
    expect(result.metrics.acc_norm!.stderr).toBeCloseTo(0.25, 15)
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  test('limit keeps the first N documents; one document has no stderr', async () => {
    const { scorer, calls } = fakeScorer({ ' whale': -1 })
    const result = await evaluateTask(arcEasy, scorer, { data, limit: 1 })
    expect(calls[0]).toHaveLength(4)
    expect(result.n).toBe(1)
    expect(result.metrics).toMatchObject({ acc: { value: 0 }, acc_norm: { value: 1 } })
    expect(result.metrics.gold_prob).not.toHaveProperty('stderr')
  })

  test('a task reporting acc only records no acc_norm', async () => {
    // BoolQ: " no" = −3, " yes" = −4 → always "no"; golds are [1, 0] → acc [0, 1], mean 0.5, stderr sqrt(0.25/1) = 0.5.
    const { scorer } = fakeScorer()
    const result = await evaluateTask(boolq, scorer, { data })
    expect(result.items).toEqual({
      kind: 'choice',
      items: [
        // BoolQ declares its passage as the cluster key: two passages, clusters 0 and 1.
        { gold: 1, ll: [-3, -4], tokens: [1, 1], cluster: 0, acc: 0, ...scores(1 / (1 + Math.E), -1, -4) },
        { gold: 0, ll: [-3, -4], tokens: [1, 1], cluster: 1, acc: 1, ...scores(Math.E / (1 + Math.E), 1, -3) },
      ],
    })
    // gold_prob: 1/(1+e) and e/(1+e) average to exactly 1/2; margins −1 and +1 to 0.
    expect(result.metrics).toMatchObject({ acc: { value: 0.5, stderr: 0.5 }, gold_prob: { value: 0.5 }, gold_margin: { value: 0, stderr: 1 } })
    expect(Object.keys(result.metrics)).toEqual(['acc', 'gold_prob', 'gold_margin', 'brier', 'gold_ll_per_token'])
  })

  test('a task built in code (not from the hub) runs through the same path', async () => {
    const inCode: MultipleChoiceTask<'in_code', 'acc'> = {
      kind: 'multiple_choice',
      name: 'in_code',
      version: '0.1',
      metrics: { acc },
      loadDocuments: async () => [choicesAfterContext('The cat', ['sat', 'flew'], 0), choicesAfterContext('A dog', ['barked', 'ran'], 1)],
    }
    // LLs: doc 1 −4, −5 → 0 ✓; doc 2 −7, −4 → 1 ✓.
    const { scorer } = fakeScorer()
    const result = await evaluateTask(inCode, scorer)
    expect(result.metrics).toEqual({ acc: { value: 1, stderr: 0 } })
  })

  test('a metric declared in the task alone is computed, aggregated and kept per item', async () => {
    // The gold choice's log-likelihood margin over the best wrong choice: declared here, nowhere else.
    const margin: ChoiceMetric = {
      direction: 'higher',
      kind: 'nll',
      aggregation: 'mean',
      perDocument: (ll, document) => ll[document.gold]! - Math.max(...ll.filter((_, i) => i !== document.gold)),
    }
    const inCode: MultipleChoiceTask<'in_code', 'acc' | 'margin'> = {
      kind: 'multiple_choice',
      name: 'in_code',
      version: '0.1',
      metrics: { acc, margin },
      loadDocuments: async () => [choicesAfterContext('The cat', ['sat', 'flew'], 0), choicesAfterContext('A dog', ['barked', 'ran'], 1)],
    }
    // LLs: doc 1 −4, −5 → margin 1; doc 2 −7, −4 → margin 3. Mean 2, stderr sqrt(2 / 1) / sqrt(2) = 1.
    const result = await evaluateTask(inCode, fakeScorer().scorer)
    expect(result.metrics).toEqual({ acc: { value: 1, stderr: 0 }, margin: { value: 2, stderr: 1 } })
    expect((result.items.items as readonly ChoiceItem[]).map(item => item.margin)).toEqual([1, 3])
  })

  test('a non-finite log-likelihood or a bad limit is an error, not a NaN in the report', async () => {
    const { scorer } = fakeScorer({ ' no': Number.NaN })
    await expect(evaluateTask(boolq, scorer, { data })).rejects.toThrow('task boolq, document 0: the scorer returned a non-finite')
    await expect(evaluateTask(boolq, fakeScorer().scorer, { data, limit: 0 })).rejects.toThrow('positive integer')
  })
})

describe('evaluateTask, rolling', () => {
  const inCode: RollingTask = {
    kind: 'loglikelihood_rolling',
    name: 'rolling_in_code',
    version: '0.1',
    metrics: rollingMetrics,
    loadDocuments: async () => [
      { text: 'a', words: 10, bytes: 40 },
      { text: 'b', words: 5, bytes: 20 },
    ],
  }

  test('corpus-level perplexities from per-document LL, words and bytes', async () => {
    const { scorer } = fakeScorer({}, [-10, -30])
    const result = await evaluateTask(inCode, scorer)
    expect(result.n).toBe(2)
    // Σ LL = −40, Σ words = 15, Σ bytes = 60; no stderr for perplexities.
    expect(result.metrics.word_perplexity).toEqual({ value: expect.closeTo(Math.exp(40 / 15), 12) })
    expect(result.metrics.byte_perplexity).toEqual({ value: expect.closeTo(Math.exp(40 / 60), 12) })
    expect(result.metrics.bits_per_byte).toEqual({ value: expect.closeTo(40 / 60 / Math.LN2, 12) })
    expect(result.items).toEqual({
      kind: 'rolling',
      items: [
        { ll: -10, words: 10, bytes: 40, tokens: 10 },
        { ll: -30, words: 5, bytes: 20, tokens: 11 },
      ],
    })
  })

  test('bad input: whitespace-only documents are scored as lm-eval would, with one warning naming them', async () => {
    const blank: RollingTask = {
      ...inCode,
      loadDocuments: async () => [
        { text: 'a', words: 1, bytes: 1 },
        { text: ' \n\t', words: 0, bytes: 3 },
        { text: 'b', words: 1, bytes: 1 },
        { text: '', words: 0, bytes: 0 },
      ],
    }
    const warnings: string[] = []
    const result = await evaluateTask(blank, fakeScorer({}, [-1, -2, -3, -4]).scorer, { onWarning: message => warnings.push(message) })
    expect(result.n).toBe(4)
    expect(warnings).toEqual([
      'lmscale: task rolling_in_code: 2 of 4 documents have whitespace-only text (documents 1, 3); they are scored, but check the dataset',
    ])
    const none: string[] = []
    await evaluateTask(inCode, fakeScorer({}, [-1, -2]).scorer, { onWarning: message => none.push(message) })
    expect(none).toEqual([])
  })

  test('WikiText fixture: the scorer sees the detokenized pages, words counted on the originals', async () => {
    const seen: string[] = []
    const { scorer } = fakeScorer({}, [-62, -47])
    const recording: Scorer = {
      ...scorer,
      loglikelihoodRolling: async documents => {
        seen.push(...documents)
        return scorer.loglikelihoodRolling(documents)
      },
    }
    const { wikitext } = await import('../tasks/wikitext.ts')
    const result = await evaluateTask(wikitext, recording, { data })
    expect(seen[1]?.startsWith(" = Tropical Storm =\n\nThe storm's winds")).toBe(true)
    // 62 + 47 words (hand-counted in wikitext.test.ts), Σ LL = −109 → word perplexity e^1.
    expect(result.metrics.word_perplexity!.value).toBeCloseTo(Math.E, 12)
  })
})
