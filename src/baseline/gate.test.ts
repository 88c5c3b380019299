import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { CaseEntry, CaseRecord, ResultsDocument } from '../core/schema.ts'
import { encodeBits, encodeFloats } from '../core/bitset.ts'
import type { CompareSettings } from '../core/comparison.ts'
import { runBaselineGate } from './gate.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-gate-'))
  dirs.push(dir)
  return dir
}

const settings: CompareSettings = { mode: 'auto', alpha: 0.01, perplexityTolerance: 0.01, throughputTolerance: 0.1, gateThroughput: true }
const environment = {
  node: 'v20.20.2',
  platform: 'linux',
  arch: 'x64',
  onnxruntime: '1.30.0',
  executionProvider: 'cpu',
  cpu: 'Some CPU',
  cpuCount: 2,
  gpu: null,
  threads: null,
  lmscale: '0.1.0',
  vitest: '4.1.12',
  gitCommit: 'abc',
}
/** Where each round falls around a ratio, in units of its spread. */
const SCATTER = [-1, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1]
/** Rounds (log ratios) scattered `spread` either way of `ratio`, with their median and its half-width as the record states them. */
const roundsOf = (ratio: number, spread: number, count = SCATTER.length) => ({
  ratio,
  margin: spread,
  rounds: Array.from({ length: count }, (_, i) => Math.log(ratio) + spread * SCATTER[i % SCATTER.length]!),
})
/** A rate timed in `samples` rounds with a calibration of `calibrationRate` units/s: its calibrated ratio, 2% either way. */
const rate = (tokensPerSecond: number, samples = 8, calibrationRate = 1e10) => ({
  tokensPerSecond,
  tokensPerCall: 100,
  meanMs: 100_000 / tokensPerSecond,
  p50Ms: 1,
  p99Ms: 1,
  rme: 2,
  samples,
  paired: {
    calibration: 'MatMul 1 thread',
    ...roundsOf(tokensPerSecond / calibrationRate, 0.02, samples),
    cpu: roundsOf(tokensPerSecond / calibrationRate, 0.02, samples),
  },
})
const calibration = (unitsPerSecond: number, rme = 2) => ({
  name: 'MatMul',
  unit: 'FLOP',
  unitsPerCall: 1e6,
  unitsPerSecond,
  meanMs: 1e9 / unitsPerSecond,
  rme,
  samples: 30,
})

interface Case {
  readonly task: string
  readonly metrics: CaseRecord['metrics']
  readonly bits?: boolean[]
  readonly values?: Record<string, number[]>
  readonly clusters?: number[]
  readonly hash?: string
  readonly cpu?: string
  readonly cpuId?: string
  readonly version?: string
  readonly scoring?: number
  readonly samples?: number
  readonly calibration?: number
  /** A confirming re-measurement of scoring: its ratio (tokens/s per calibration unit/s) and the rounds' spread in log space; CPU time the same unless given. */
  readonly confirmed?: { readonly ratio: number; readonly spread: number; readonly cpu?: { readonly ratio: number; readonly spread: number } }
}

/** What the tasks declare: the gate reads these, never the metric names. */
const declared = {
  acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' },
  perplexity: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'token' },
  nll: { direction: 'lower', kind: 'nll', aggregation: 'corpus', unit: 'token' },
  // Named like an accuracy, declared as a loss: judged as the declaration says.
  acc_loss: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'token' },
  gold_prob: { direction: 'higher', kind: 'probability', aggregation: 'mean' },
  word_perplexity: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'word' },
  brier: { direction: 'lower', kind: 'brier', aggregation: 'mean' },
} as const

function confirmation({ ratio, spread, cpu }: NonNullable<Case['confirmed']>) {
  return { ...roundsOf(ratio, spread), cpu: cpu ? roundsOf(cpu.ratio, cpu.spread) : roundsOf(ratio, spread) }
}

function entry(c: Case): CaseEntry {
  const record: CaseRecord = {
    study: 's',
    model: { name: 'm', source: '/m', revision: null, hash: c.hash ?? 'h1', parameters: { total: 1, embedding: 0, nonEmbedding: 1 } },
    task: { name: c.task, version: c.version ?? '1', kind: 'multiple_choice', chance: null, metrics: declared },
    options: { device: 'cpu', dtype: 'fp32', threads: null, limit: null },
    optionsHash: 'o',
    n: c.bits?.length ?? 1,
    metrics: c.metrics,
    throughput:
      c.scoring === undefined
        ? null
        : {
            scoring: rate(c.scoring, c.samples, c.calibration),
            ...(c.confirmed ? { confirmation: { scoring: confirmation(c.confirmed) } } : {}),
          },
    calibration: c.calibration === undefined ? null : calibration(c.calibration),
    resources: { peakRssBytes: 1, gpuMemoryBytes: null },
    timing: { evaluateMs: 1, throughputMs: 1, caseMs: 1 },
    environment: { ...environment, cpu: c.cpu ?? environment.cpu, ...(c.cpuId ? { cpuId: c.cpuId } : {}) },
    finishedAt: '2026-01-01T00:00:00.000Z',
  }
  const n = c.bits?.length ?? Object.values(c.values ?? {})[0]?.length
  const items =
    n === undefined
      ? undefined
      : {
          kind: c.values?.tokens ? ('token_perplexity' as const) : c.values?.nll ? ('rolling' as const) : ('choice' as const),
          n,
          correct: c.bits ? { acc: encodeBits(c.bits) } : ({} as Record<string, string>),
          ...(c.values ? { values: Object.fromEntries(Object.entries(c.values).map(([k, v]) => [k, encodeFloats(v)])) } : {}),
          ...(c.clusters ? { clusters: c.clusters } : {}),
          sha256: `sha-${c.bits?.join()}-${JSON.stringify(c.values)}`,
        }
  return {
    study: 's',
    model: 'm',
    task: c.task,
    name: `m › ${c.task}`,
    file: 'x',
    state: 'passed',
    resumed: false,
    errors: [],
    bands: [],
    record,
    ...(items ? { items } : {}),
  }
}

const doc = (...cases: Case[]): ResultsDocument => ({ schemaVersion: 2, generatedAt: '', vitest: { version: '4', mode: 'benchmark' }, cases: cases.map(entry) })
const now = new Date('2026-01-02T00:00:00Z')

/** Writes the baseline from `before`, then gates `after` against it. */
function gate(before: ResultsDocument, after: ResultsDocument, overrides: Partial<CompareSettings> = {}) {
  const dir = scratch()
  runBaselineGate(before, { dir, update: true, settings, now })
  return runBaselineGate(after, { dir, update: false, settings: { ...settings, ...overrides }, now })
}

// 100 items: the baseline gets the first 60 right; a run loses `lost` of them and gains `gained` of the others.
const baseBits = Array.from({ length: 100 }, (_, i) => i < 60)
const changedBits = (lost: number, gained: number) => baseBits.map((bit, i) => (i < lost ? false : i >= 60 && i < 60 + gained ? true : bit))
const worseBits = changedBits(20, 2)
const slightlyWorseBits = changedBits(12, 2)

describe('accuracy: paired exact McNemar with Holm', () => {
  test('a significant drop is a regression with the right sign and the hand-computed p-value', () => {
    const report = gate(
      doc({ task: 'mc', metrics: { acc: { value: 0.6 } }, bits: baseBits }),
      doc({ task: 'mc', metrics: { acc: { value: 0.42 } }, bits: worseBits, hash: 'h2' }),
    )
    const [row] = report.studies[0]!.comparisons
    // b = 20, c = 2: p = 2 · (C(22,0) + C(22,1) + C(22,2)) / 2^22 = 2 · 254 / 4194304
    expect(row).toMatchObject({
      metric: 'acc',
      method: 'mcnemar',
      baseline: 0.6,
      current: 0.42,
      verdict: 'regression',
    })
    // MDE at 22 discordant of 100: 2.8016 · sqrt(22) / 100 = 0.131; the interval brackets the change −0.18.
    expect(row!.detail).toMatch(/^20 right→wrong, 2 wrong→right of 100; paired bootstrap 95% interval \[−0\.2\d+, −0\.1\d+\], detectable ±0\.13 at 80% power$/)
    expect(row!.mde).toBeCloseTo(((1.959963985 + 0.841621234) * Math.sqrt(22)) / 100, 8)
    expect(row!.pValue).toBeCloseTo(508 / 4194304, 16)
    expect(row!.change).toBeCloseTo(-0.18, 14)
    expect(report.failed).toBe(true)
  })

  test('the same change the other way is an improvement, and Holm can make a change insignificant', () => {
    const improved = gate(
      doc({ task: 'mc', metrics: { acc: { value: 0.42 } }, bits: worseBits }),
      doc({ task: 'mc', metrics: { acc: { value: 0.6 } }, bits: baseBits, hash: 'h2' }),
    )
    expect(improved.studies[0]!.comparisons[0]!.verdict).toBe('improvement')
    expect(improved.failed).toBe(false)
    // b = 12, c = 2: p = 2 · (1 + 14 + 91) / 2^14 = 0.01294 passes α = 0.02 alone; beside a second test with
    // p = 1, Holm doubles it to 0.0259 > 0.02
    const alone = gate(
      doc({ task: 'mc', metrics: { acc: { value: 0.6 } }, bits: baseBits }),
      doc({ task: 'mc', metrics: { acc: { value: 0.5 } }, bits: slightlyWorseBits, hash: 'h2' }),
      { alpha: 0.02 },
    )
    expect(alone.studies[0]!.comparisons[0]!.pValue).toBeCloseTo(212 / 16384, 15)
    expect(alone.studies[0]!.comparisons[0]!.verdict).toBe('regression')
    const twoTests = gate(
      doc({ task: 'mc', metrics: { acc: { value: 0.6 } }, bits: baseBits }, { task: 'mc2', metrics: { acc: { value: 0.6 } }, bits: baseBits }),
      doc(
        { task: 'mc', metrics: { acc: { value: 0.5 } }, bits: slightlyWorseBits, hash: 'h2' },
        { task: 'mc2', metrics: { acc: { value: 0.6 } }, bits: baseBits, hash: 'h2' },
      ),
      { alpha: 0.02 },
    )
    const row = twoTests.studies[0]!.comparisons.find(c => c.task === 'mc')!
    expect(row.adjustedP).toBeCloseTo((2 * 212) / 16384, 14)
    expect(row.verdict).toBe('unchanged')
  })

  test('without per-item records the stderrs give an unpaired z-test', () => {
    const report = gate(
      doc({ task: 'mc', metrics: { acc: { value: 0.6, stderr: 0.02 } } }),
      doc({ task: 'mc', metrics: { acc: { value: 0.5, stderr: 0.02 } }, hash: 'h2' }),
    )
    const row = report.studies[0]!.comparisons[0]!
    // z = −0.1 / √(0.02² + 0.02²) = −3.536 → two-sided p = 4.07e−4
    expect(row.method).toBe('unpaired-z')
    expect(row.pValue).toBeCloseTo(4.07e-4, 5)
    expect(row.verdict).toBe('regression')
  })
})

describe('continuous scores: paired differences over the same items', () => {
  // 100 items at 0.25; the run moves them by 0.02 ± 0.01 (alternating), or by cluster (pairs of items move together).
  const base = Array.from({ length: 100 }, () => 0.25)
  const moved = base.map((v, i) => v + 0.02 + (i % 2 ? 0.01 : -0.01))
  const movedInPairs = base.map((v, i) => v + 0.02 + (Math.floor(i / 2) % 2 ? 0.01 : -0.01))
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
  const scores = (values: number[], hash: string, clusters?: number[]) => ({
    task: 'mc',
    metrics: { gold_prob: { value: mean(values) }, brier: { value: mean(values) } },
    values: { gold_prob: values, brier: values },
    hash,
    ...(clusters ? { clusters } : {}),
  })

  test('a rise is an improvement of gold_prob and a regression of the Brier score (declared lower-is-better), by hand', () => {
    const rows = gate(doc(scores(base, 'h1')), doc(scores(moved, 'h2'))).studies[0]!.comparisons
    const [prob, brier] = rows
    // SE = 0.01 · sqrt(100 / 99) / sqrt(100) = 0.001005; z = 0.02 / SE = 19.90.
    expect(prob!.method).toBe('paired-bootstrap')
    expect(prob!.detail).toMatch(
      /^z = 19\.9\d over 100 paired items; paired bootstrap 95% interval \[\+0\.01\d+, \+0\.02\d+\], detectable ±0\.0028 at 80% power$/,
    )
    expect(prob!.verdict).toBe('improvement')
    expect(brier!.better).toBe('lower')
    expect(brier!.verdict).toBe('regression')
    expect(prob!.interval!.low).toBeLessThan(0.02)
    expect(prob!.interval!.high).toBeGreaterThan(0.02)
  })

  test('declared clusters widen the standard error: pairs that move together count once', () => {
    const clusters = base.map((_, i) => Math.floor(i / 2))
    const [prob] = gate(doc(scores(base, 'h1', clusters)), doc(scores(movedInPairs, 'h2', clusters))).studies[0]!.comparisons
    // Cluster sums of deviations ±0.02 over 50 clusters: SE = sqrt(50/49 · 50 · 0.02²) / 100 = 0.001429; z = 14.0.
    expect(prob!.detail).toMatch(/^z = 14\.0\d over 100 paired items, 50 clusters;/)
    expect(prob!.interval!.clusters).toBe(50)
  })

  test('without per-item values on both sides the stderrs give an unpaired z-test, with the direction kept', () => {
    const row = gate(
      doc({ task: 'mc', metrics: { brier: { value: 0.5, stderr: 0.01 } } }),
      doc({ task: 'mc', metrics: { brier: { value: 0.55, stderr: 0.01 } }, hash: 'h2' }),
    ).studies[0]!.comparisons[0]!
    expect(row.method).toBe('unpaired-z')
    expect(row.verdict).toBe('regression')
  })
})

describe('perplexity of the same documents: a paired interval beside the tolerance', () => {
  // Per-document log ratios 0.02 and 0.04 (SD 0.01): e^(0.03 ± 1.96 · 0.01 / √50) = ×1.0276–×1.0333.
  test('50 documents of 10 words, NLL 30 → 30.3 ± 0.1: ratio e^0.03 = 1.0305, its interval around it, a regression beyond 1%', () => {
    const words = Array.from({ length: 50 }, () => 10)
    const base = words.map(() => 30)
    const now = base.map((v, i) => v + 0.3 + (i % 2 ? 0.1 : -0.1))
    const perplexity = (nll: number[]) => Math.exp(nll.reduce((a, b) => a + b, 0) / 500)
    const [row] = gate(
      doc({ task: 'wiki', metrics: { word_perplexity: { value: perplexity(base) } }, values: { nll: base, words }, hash: 'h1' }),
      doc({ task: 'wiki', metrics: { word_perplexity: { value: perplexity(now) } }, values: { nll: now, words }, hash: 'h2' }),
    ).studies[0]!.comparisons
    expect(row!.verdict).toBe('regression')
    expect(row!.detail).toMatch(/^\+3\.05% against a tolerance of ±1\.00%; paired over 50 documents ×1\.0305, 95% interval ×1\.027\d–×1\.033\d$/)
  })
})

describe('token perplexity over the windows of one text: a paired interval that allows for neighbouring windows', () => {
  // 60 windows of 256 tokens; NLL 1024 → 1024 + 256 · 0.03 plus noise of ±3 nats that repeats in runs of three windows.
  const tokens = Array.from({ length: 60 }, () => 256)
  const base = tokens.map(() => 1024)
  const noise = tokens.map((_, w) => [3, 3, 3, -3, -3, -3][w % 6]!)
  const now = base.map((v, w) => v + 256 * 0.03 + noise[w]!)
  const perplexity = (nll: number[]) => Math.exp(nll.reduce((a, b) => a + b, 0) / (256 * 60))
  const side = (nll: number[], hash: string, windowTokens = tokens) => ({
    task: 'ppl',
    metrics: { perplexity: { value: perplexity(nll) } },
    values: { nll, tokens: windowTokens },
    hash,
  })

  test('ratio e^0.03 = 1.0305 with its interval and the windows’ lag-1 correlation, a regression beyond 1%', () => {
    const [row] = gate(doc(side(base, 'h1')), doc(side(now, 'h2'))).studies[0]!.comparisons
    expect(row!.verdict).toBe('regression')
    const match = row!.detail.match(
      /^\+3\.05% against a tolerance of ±1\.00%; paired over 60 windows ×1\.0305, 95% interval ×(\d\.\d+)–×(\d\.\d+) \(neighbouring windows correlate (0\.\d\d), allowed for\)$/,
    )
    expect(match, row!.detail).not.toBeNull()
    // Runs of three equal deviations: lag-1 correlation (2 · 9 · 20 − 9 · 19) / (9 · 59) ≈ 0.36 over the first 59 windows.
    expect(Number(match![3])).toBeCloseTo((2 * 9 * 20 - 9 * 19) / (9 * 59), 2)
    expect(Number(match![1])).toBeLessThan(1.0305)
    expect(Number(match![2])).toBeGreaterThan(1.0305)
  })

  test('windows that score other tokens (another tokenizer) get no paired interval', () => {
    const other = tokens.map((t, w) => (w === 0 ? t + 1 : t))
    const [row] = gate(doc(side(base, 'h1')), doc(side(now, 'h2', other))).studies[0]!.comparisons
    expect(row!.detail).toMatch(/the windows score other tokens than the baseline's \(another tokenization\): no paired interval$/)
  })
})

describe('perplexity: relative tolerance', () => {
  const ppl = (value: number, nll: number) => ({ task: 'ppl', metrics: { perplexity: { value }, nll: { value: nll } }, hash: value === 100 ? 'h1' : 'h2' })
  test('a rise beyond 1% is a regression, within it unchanged, a fall beyond it an improvement; nll uses ln(1.01) nats', () => {
    const verdicts = (value: number, nll: number) => gate(doc(ppl(100, 4.6)), doc(ppl(value, nll))).studies[0]!.comparisons.map(c => `${c.metric} ${c.verdict}`)
    // Another model hash: judged statistically, and a 'model' row says the model changed (reported, not gated).
    expect(verdicts(101.5, 4.6 + 0.0149)).toEqual(['perplexity regression', 'nll regression', 'model unchecked'])
    expect(verdicts(100.9, 4.6 + Math.log(1.009))).toEqual(['perplexity unchanged', 'nll unchanged', 'model unchecked'])
    expect(verdicts(98, 4.6 - 0.0202)).toEqual(['perplexity improvement', 'nll improvement', 'model unchecked'])
    const row = gate(doc(ppl(100, 4.6)), doc(ppl(98, 4.6))).studies[0]!.comparisons.at(-1)!
    expect(row.detail).toBe('model changed (identity h1 → h2); compared statistically, not bit for bit')
  })
})

describe('exact mode', () => {
  test('same model hash and environment: bit-identical passes, one ulp off fails even inside every tolerance', () => {
    const same = gate(doc({ task: 'ppl', metrics: { perplexity: { value: 100 } } }), doc({ task: 'ppl', metrics: { perplexity: { value: 100 } } }))
    expect(same.studies[0]!.comparisons.map(c => [c.method, c.verdict, c.detail])).toEqual([['exact', 'unchanged', 'bit-identical']])
    const nudged = gate(doc({ task: 'ppl', metrics: { perplexity: { value: 100 } } }), doc({ task: 'ppl', metrics: { perplexity: { value: 100 + 2 ** -46 } } }))
    expect(nudged.studies[0]!.comparisons[0]).toMatchObject({ method: 'exact', verdict: 'regression' })
    expect(nudged.failed).toBe(true)
  })

  test('another CPU model falls back to the statistical rules in auto mode and is incomparable in forced exact mode', () => {
    const before = doc({ task: 'ppl', metrics: { perplexity: { value: 100 } } })
    const after = doc({ task: 'ppl', metrics: { perplexity: { value: 100.2 } }, cpu: 'Other CPU' })
    expect(gate(before, after).studies[0]!.comparisons[0]).toMatchObject({ method: 'tolerance', verdict: 'unchanged' })
    const forced = gate(before, after, { mode: 'exact' }).studies[0]!.comparisons[0]!
    expect(forced.verdict).toBe('incomparable')
    expect(forced.detail).toContain('cpu Some CPU → Other CPU')
  })

  test('the same CPU model string on another CPU generation (cpuId) is another machine', () => {
    const before = doc({ task: 'ppl', metrics: { perplexity: { value: 100 } }, cpuId: 'cpuinfo sha256:aaaa' })
    const after = doc({ task: 'ppl', metrics: { perplexity: { value: 100 } }, cpuId: 'cpuinfo sha256:bbbb' })
    expect(gate(before, after).studies[0]!.comparisons[0]).toMatchObject({ method: 'tolerance' })
    expect(gate(before, after, { mode: 'exact' }).studies[0]!.comparisons[0]!.detail).toContain('cpuId cpuinfo sha256:aaaa → cpuinfo sha256:bbbb')
    expect(gate(before, before).studies[0]!.comparisons[0]).toMatchObject({ method: 'exact', verdict: 'unchanged' })
  })

  test('a metric is judged by its declared kind and direction, not its name', () => {
    const rows = gate(doc({ task: 'ppl', metrics: { acc_loss: { value: 10 } } }), doc({ task: 'ppl', metrics: { acc_loss: { value: 12 } }, hash: 'h2' }))
      .studies[0]!.comparisons
    expect(rows[0]).toMatchObject({ metric: 'acc_loss', method: 'tolerance', verdict: 'regression' })
  })

  test('per-item records that differ with identical metrics still fail', () => {
    const flipped = baseBits.map((bit, i) => (i === 0 ? false : i === 60 ? true : bit))
    const rows = gate(
      doc({ task: 'mc', metrics: { acc: { value: 0.6 } }, bits: baseBits }),
      doc({ task: 'mc', metrics: { acc: { value: 0.6 } }, bits: flipped }),
    ).studies[0]!.comparisons
    expect(rows.map(c => `${c.metric} ${c.verdict}`)).toEqual(['acc unchanged', 'per-item records regression'])
  })
})

describe('throughput: paired calibrated ratio beyond its interval', () => {
  test('a machine uniformly slower within the tolerance is no regression; a slower scorer on the same machine is', () => {
    const slowerMachine = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 950, calibration: 9.5e9, hash: 'h2' }),
    )
    expect(slowerMachine.studies[0]!.comparisons[0]).toMatchObject({ metric: 'throughput scoring', verdict: 'unchanged' })
    expect(slowerMachine.studies[0]!.comparisons[0]!.change).toBeCloseTo(0, 12)
    const slowScorer = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 500, calibration: 1e10, hash: 'h2' }),
    )
    expect(slowScorer.studies[0]!.comparisons[0]).toMatchObject({ verdict: 'regression' })
    expect(slowScorer.studies[0]!.comparisons[0]!.change).toBeCloseTo(-0.5, 12)
  })

  test('rates timed in fewer than 6 rounds are shown but not gated', () => {
    const report = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 100, samples: 5, calibration: 1e10, hash: 'h2' }),
    )
    expect(report.studies[0]!.comparisons[0]).toMatchObject({ verdict: 'unchecked', current: 100 })
    expect(report.studies[0]!.comparisons[0]!.detail).toMatch(/5 rounds; gating needs ≥ 6/)
    expect(report.failed).toBe(false)
  })

  test('a first measurement wholly beyond the tolerance is DIFFERENT', () => {
    const report = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 850, calibration: 1e10, hash: 'h2' }),
    )
    // Rounds 2% either way on both sides: the shift's interval is ln 0.85 ± 0.02 = [−0.18, −0.14], below ln 0.9 = −0.105.
    expect(report.studies[0]!.comparisons[0]).toMatchObject({ verdict: 'regression' })
    expect(report.studies[0]!.comparisons[0]!.detail).toMatch(/^first: wall DIFFERENT ×0\.850 \(95% ×0\.8[34]–×0\.86\), CPU DIFFERENT ×0\.850/)
  })

  test("the confirming re-measurement decides: SAME passes a first DIFFERENT; a fall fails when it says DIFFERENT on the first's side; else UNKNOWN", () => {
    const judged = (confirmed: Case['confirmed']) =>
      gate(
        doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
        doc({ task: 't', metrics: {}, scoring: 500, calibration: 1e10, hash: 'h2', confirmed }),
      )
    // Baseline rate per calibration unit: 1000 / 1e10 = 1e-7.
    const same = judged({ ratio: 1.01e-7, spread: 0.02 })
    expect(same.studies[0]!.comparisons[0]).toMatchObject({ verdict: 'unchanged' })
    expect(same.studies[0]!.comparisons[0]!.change).toBeCloseTo(0.01, 12)
    expect(same.studies[0]!.comparisons[0]!.detail).toMatch(/first: wall DIFFERENT.*confirmed \(8 rounds\): wall SAME ×1\.010/)
    expect(same.failed).toBe(false)
    expect(judged({ ratio: 0.5e-7, spread: 0.05 })).toMatchObject({ failed: true })
    // DIFFERENT the other way round does not confirm a fall: UNKNOWN, not failed.
    expect(judged({ ratio: 2e-7, spread: 0.05 }).studies[0]!.comparisons[0]).toMatchObject({ verdict: 'unchecked' })
    const unknown = judged({ ratio: 0.9e-7, spread: 0.05 })
    expect(unknown.studies[0]!.comparisons[0]).toMatchObject({ verdict: 'unchecked' })
    expect(unknown.studies[0]!.comparisons[0]!.detail).toMatch(/confirmed \(8 rounds\): wall UNKNOWN/)
    expect(unknown.failed).toBe(false)
  })

  test('wall time decides, CPU time is shown: a call that sleeps fails; more CPU time with the same wall time does not', () => {
    const judged = (first: { wall: number; cpu: number }, confirmed: NonNullable<Case['confirmed']>) => {
      const run = entry({ task: 't', metrics: {}, scoring: 500, calibration: 1e10, hash: 'h2', confirmed })
      const scoring = run.record!.throughput!.scoring!
      const paired = { ...scoring.paired!, ...roundsOf(first.wall * 1e-7, 0.5), cpu: roundsOf(first.cpu * 1e-7, 0.05) }
      const after = { ...doc(), cases: [{ ...run, record: { ...run.record!, throughput: { ...run.record!.throughput!, scoring: { ...scoring, paired } } } }] }
      return gate(doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }), after).studies[0]!.comparisons[0]!
    }
    // A sleep: CPU time unchanged (SAME); wall time DIFFERENT in both (first ×0.2 scattered ±0.5; confirmed ×0.5 ± 0.05).
    const sleeps = judged({ wall: 0.2, cpu: 1 }, { ratio: 0.5e-7, spread: 0.05, cpu: { ratio: 1e-7, spread: 0.05 } })
    expect(sleeps).toMatchObject({ verdict: 'regression' })
    expect(sleeps.change).toBeCloseTo(-0.5, 2)
    expect(sleeps.detail).toMatch(/^first: wall DIFFERENT ×0\.200.*CPU SAME ×1\.000.*confirmed \(8 rounds\): wall DIFFERENT ×0\.500.*CPU SAME/)
    // The process's CPU time doubled (another thread busy) while wall time held: shown, not failed.
    const busierProcess = judged({ wall: 1, cpu: 0.5 }, { ratio: 1e-7, spread: 0.05, cpu: { ratio: 0.5e-7, spread: 0.05 } })
    expect(busierProcess).toMatchObject({ verdict: 'unchanged' })
    expect(busierProcess.detail).toMatch(/confirmed \(8 rounds\): wall SAME ×1\.000.*CPU DIFFERENT ×0\.500/)
    // Load alone: a first wall DIFFERENT that the confirmation does not repeat (×1 scattered ±0.5, UNKNOWN).
    const load = judged({ wall: 0.5, cpu: 1 }, { ratio: 1e-7, spread: 0.5, cpu: { ratio: 1e-7, spread: 0.05 } })
    expect(load).toMatchObject({ verdict: 'unchecked' })
  })

  test("a calibration beyond the tolerance of the baseline's (a busier machine) is reported, not gated, however slow the scorer", () => {
    // Tolerance 10%: the calibration at ×0.5 of the baseline's; the scorer at ×0.1, its calibrated ratio ×0.2.
    const busy = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 100, calibration: 5e9, hash: 'h2' }),
    )
    expect(busy.studies[0]!.comparisons[0]).toMatchObject({ metric: 'throughput scoring', verdict: 'unchecked', change: null })
    expect(busy.studies[0]!.comparisons[0]!.detail).toBe(
      "not gated: the calibration ran at ×0.50 of the baseline's (5.0 GFLOP/s vs 10.0 GFLOP/s), beyond the 10% tolerance: " +
        'the machine was busier or clocked differently than when the baseline was recorded, and calibrated ratios compare only between like states',
    )
    expect(busy.failed).toBe(false)
    // Just inside the band (×0.91) the same scorer is judged, and fails.
    const judged = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 100, calibration: 9.1e9, hash: 'h2' }),
    )
    expect(judged.studies[0]!.comparisons[0]).toMatchObject({ verdict: 'regression' })
  })

  test('another machine is never compared for speed, even with the same calibration', () => {
    const report = gate(
      doc({ task: 't', metrics: {}, scoring: 1000, calibration: 1e10 }),
      doc({ task: 't', metrics: {}, scoring: 100, calibration: 1e10, hash: 'h2', cpu: 'Another CPU' }),
    )
    expect(report.studies[0]!.comparisons.find(c => c.metric === 'throughput scoring')).toMatchObject({ verdict: 'unchecked' })
    expect(report.studies[0]!.comparisons.find(c => c.metric === 'throughput scoring')!.detail).toMatch(/another machine \(cpu /)
  })
})

describe('baseline files', () => {
  test('no file: nothing gated; a new case or another task version is reported', () => {
    const dir = scratch()
    expect(runBaselineGate(doc({ task: 'mc', metrics: {} }), { dir, update: false, settings, now }).studies[0]).toMatchObject({
      status: 'missing',
      comparisons: [],
    })
    expect(existsSync(join(dir, 's.json'))).toBe(false)
    const report = gate(
      doc({ task: 'mc', metrics: { acc: { value: 1 } } }),
      doc({ task: 'mc', metrics: { acc: { value: 1 } }, version: '2' }, { task: 'new', metrics: {} }),
    )
    expect(report.studies[0]!.comparisons.map(c => c.verdict)).toEqual(['incomparable', 'new'])
  })

  test('an update keeps the entries of cases not in the run', () => {
    const dir = scratch()
    runBaselineGate(doc({ task: 'a', metrics: { acc: { value: 1 } } }, { task: 'b', metrics: { acc: { value: 1 } } }), { dir, update: true, settings, now })
    const report = runBaselineGate(doc({ task: 'a', metrics: { acc: { value: 0.5 } } }), { dir, update: true, settings, now })
    expect(report.studies[0]).toMatchObject({ status: 'updated', written: 1, kept: 1 })
    const file = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'))
    expect(Object.keys(file.cases)).toEqual(['m › a', 'm › b'])
    expect(file.cases['m › a'].metrics.acc.value).toBe(0.5)
  })

  test('an update in which no case of the study has a result (a -t filter skipped them all) leaves the file byte-identical', () => {
    const dir = scratch()
    const path = join(dir, 's.json')
    runBaselineGate(doc({ task: 'a', metrics: { acc: { value: 1 } } }), { dir, update: true, settings, now })
    const before = readFileSync(path, 'utf8')
    const skipped = doc({ task: 'a', metrics: { acc: { value: 0.5 } } })
    const filtered = { ...skipped, cases: skipped.cases.map(c => ({ ...c, state: 'skipped' as const, record: null })) }
    const report = runBaselineGate(filtered, { dir, update: true, settings, now: new Date('2026-02-03T00:00:00Z') })
    expect(report.studies[0]).toMatchObject({ status: 'updated', written: 0, kept: 1 })
    expect(readFileSync(path, 'utf8')).toBe(before)
    // A study that has no baseline yet gets no empty one.
    const empty = scratch()
    runBaselineGate(filtered, { dir: empty, update: true, settings, now })
    expect(existsSync(join(empty, 's.json'))).toBe(false)
  })

  test.each([
    ['{"schemaVersion": 1, "study": "s", ', /baseline .*s\.json is not valid JSON/],
    ['{"schemaVersion": 0, "study": "s", "updatedAt": "", "cases": {}}', /baseline .*s\.json has schemaVersion 0, but this lmscale reads version 1/],
    [
      '{"schemaVersion": 1, "study": "s", "updatedAt": "", "cases": {"m › a": {"model": 1}}}',
      /baseline .*s\.json does not match the baseline schema at cases\.m › a\.model/,
    ],
  ])('an unreadable file (%s) fails the gate with a message naming it and is left as it was', (text, message) => {
    const dir = scratch()
    const path = join(dir, 's.json')
    writeFileSync(path, text)
    const report = runBaselineGate(doc({ task: 'a', metrics: {} }), { dir, update: false, settings, now })
    expect(report.failed).toBe(true)
    expect(report.studies[0]!.status).toBe('error')
    expect(report.studies[0]!.error).toMatch(message)
    expect(report.studies[0]!.error).toContain('-u')
    expect(readFileSync(path, 'utf8')).toBe(text)
    // only the update flag replaces it
    expect(runBaselineGate(doc({ task: 'a', metrics: {} }), { dir, update: true, settings, now }).studies[0]!.replacedUnreadable).toMatch(message)
    expect(JSON.parse(readFileSync(path, 'utf8')).schemaVersion).toBe(1)
  })
})
