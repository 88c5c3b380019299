import { describe, expect, test } from 'vitest'
import { caseEntry, resultsDocument } from '../../test-support/case-entries.ts'
import { encodeBits, encodeFloats } from '../core/bitset.ts'
import type { BaselineReport, Comparison } from '../core/comparison.ts'
import { baselineMarkdown } from './baseline-section.ts'
import { markdownReport } from './markdown.ts'
import { buildResults } from './results.ts'

// Named so that alphabetical order (l, m, s, xl, xs) differs from size order (xs, s, m, l, xl).
const sizes = { xs: 3e4, s: 1e5, m: 3e5, l: 1e6, xl: 3e6 } as const
const cases = Object.entries(sizes).flatMap(([model, parameters], i) => [
  caseEntry({
    model,
    parameters,
    task: 'heldout',
    metrics: { byte_perplexity: { value: 3 - i / 10 }, word_perplexity: { value: 200 - i }, perplexity: { value: 60 - i } },
    scoring: 1000 * (i + 1),
    decode: 50,
  }),
  caseEntry({
    model,
    parameters,
    task: 'choice',
    metrics: { acc: { value: 0.3, stderr: 0.02 }, acc_norm: { value: 0.31, stderr: 0.02 } },
    scoring: 3000 * (i + 1),
    decode: 70,
  }),
])
const doc = buildResults(cases, { version: '5.1.1', mode: 'benchmark' }, new Date(0))
const md = markdownReport(doc)
const section = (heading: string) => md.slice(md.indexOf(heading), md.indexOf('\n## ', md.indexOf(heading) + 1))

describe('report.md', () => {
  test('models are ordered by size, in every table', () => {
    const order = (text: string) => [...text.matchAll(/^\| (?:study: )?(xs|s|m|l|xl)\b/gm)].map(m => m[1])
    expect(order(section('## Models'))).toEqual(['xs', 's', 'm', 'l', 'xl'])
    expect(order(section('## Accuracy'))).toEqual(['xs', 's', 'm', 'l', 'xl'])
    expect([...section('## Cases').matchAll(/^\| study: (\w+) ›/gm)].map(m => m[1])).toEqual(['xs', 'xs', 's', 's', 'm', 'm', 'l', 'l', 'xl', 'xl'])
  })

  test('the perplexity column names its task and takes the token perplexity, not the alphabetically first one', () => {
    const models = section('## Models')
    expect(models).toContain('| heldout perplexity (per token) |')
    expect(models).toMatch(/^\| xs \| 30\.0k \| 22\.5k \| 60\.000 \|/m)
  })

  test('throughput is labelled by phase and is the median over the model’s cases, not the maximum', () => {
    const models = section('## Models')
    expect(models).toContain('| scoring tok/s | decode (KV cache) tok/s |')
    // xs: scoring 1000 (heldout) and 3000 (choice) → median 2000; decode 50 and 70 → 60
    expect(models).toMatch(/^\| xs \| .* \| 2000\.0 \| 60\.0 \|/m)
    expect(models).toContain('the median over its cases')
  })

  test('the run mode is the one results.json records', () => {
    expect(md).toContain('(Vitest 5.1.1, benchmark mode)')
    expect(markdownReport(resultsDocument(cases, 'test'))).toContain('test mode')
  })
})

const row = (metric: string, verdict: Comparison['verdict'], baseline: number, current: number, change: number | null): Comparison => ({
  study: 'study',
  model: 'l',
  task: 'choice',
  metric,
  method: change === null ? 'none' : 'mcnemar',
  baseline,
  current,
  change,
  ...(change === null ? {} : { pValue: 1e-6, adjustedP: 2e-6 }),
  detail: change === null ? 'not gated: 5 tinybench samples' : '30 right→wrong, 2 wrong→right of 400',
  verdict,
})

test('the baseline diff shows what the gate judged different, folds unchecked and unchanged rows, and shows every change', () => {
  const comparisons = [
    row('throughput scoring', 'unchecked', 6943, 609, null),
    row('throughput prefill', 'unchecked', 100, 100, null),
    row('acc_norm', 'unchanged', 0.31, 0.31, 0),
    row('acc', 'regression', 0.3, 0.23, -0.07),
  ]
  const report: BaselineReport = {
    update: false,
    settings: { mode: 'statistical', alpha: 0.01, perplexityTolerance: 0.01, throughputTolerance: 0.1, gateThroughput: false },
    studies: [{ study: 'study', file: '/repo/benchmarks/__baselines__/study.json', status: 'compared', comparisons }],
    failed: true,
  }
  const text = baselineMarkdown(report, '/repo')
  const [open, ...folds] = text.split('<details>')
  expect(open).toContain('| l › choice | acc | 0.300000 | 0.230000 | −0.0700000 (−23.33%) |')
  expect(open).not.toContain('throughput scoring')
  expect(folds).toHaveLength(2)
  expect(folds[0]).toContain('<summary>2 not gated (no rule could judge them)</summary>')
  // 6943 → 609 is a fall of 91.2%, shown although no rule judged it.
  expect(folds[0]).toContain('| 6943 | 609 | −91.2% (raw) |')
  expect(folds[0]).toContain('| 100 | 100 | ±0.0% (raw) |')
  expect(folds[1]).toContain('<summary>1 unchanged</summary>')
})

test('report.md states how far the calibrated throughput ratios spread: a robust SD from their median absolute deviation', () => {
  const ratio = (metric: string, log: number): Comparison => ({
    ...row(metric, 'unchecked', 100, 100, null),
    method: 'calibrated-ratio',
    change: Math.expm1(log),
  })
  // Logs 0, 0.1, −0.1, 0.2, −0.3, 0.05: median 0.025, absolute deviations 0.025 0.075 0.125 0.175 0.325 0.025,
  // whose median is 0.1, so the robust SD is 1.4826 × 0.1.
  const logs = [0, 0.1, -0.1, 0.2, -0.3, 0.05]
  const comparisons = [
    ...logs.map((log, i) => ratio(`throughput phase${i}`, log)),
    row('throughput skipped', 'unchecked', 1, 2, null),
    row('acc', 'unchanged', 0.3, 0.3, 0),
  ]
  const report = (rows: Comparison[]): BaselineReport => ({
    update: false,
    settings: { mode: 'statistical', alpha: 0.01, perplexityTolerance: 0.01, throughputTolerance: 0.25, gateThroughput: false },
    studies: [{ study: 'study', file: '/repo/benchmarks/__baselines__/study.json', status: 'compared', comparisons: rows }],
    failed: false,
  })
  expect(baselineMarkdown(report(comparisons), '/repo')).toContain(
    "Throughput scatter: this run's 6 calibrated ratios spread with a robust SD of 0.148 in log (one SD ×0.86–×1.16). " +
      "Each phase's 95% interval covers only its own rounds, not this spread; if nothing changed it is measurement noise, and a phase reading down to ×0.74 (two SDs) is within it.",
  )
  // Fewer than five ratios: no spread is stated.
  expect(baselineMarkdown(report(comparisons.slice(2)), '/repo')).not.toContain('Throughput scatter')
})

describe('report.md: the per-item section', () => {
  // 20 items. acc: the small model gets items 0–4 right, the large one also item 5 (one discordant pair).
  // gold_prob: 0.25 everywhere for the small one; 0.25 + 0.02 ± 0.01 alternating for the large one.
  const probability = { direction: 'higher', kind: 'probability', aggregation: 'mean' } as const
  const item = (model: string, parameters: number, right: number, prob: number[]) => {
    const base = caseEntry({
      model,
      parameters,
      task: 'choice',
      n: 20,
      metrics: {
        acc: { value: right / 20, stderr: Math.sqrt(((right / 20) * (1 - right / 20)) / 19) },
        gold_prob: { value: prob.reduce((a, b) => a + b, 0) / 20, stderr: 0.001 },
      },
    })
    const record = { ...base.record!, task: { ...base.record!.task, metrics: { acc: base.record!.task.metrics.acc!, gold_prob: probability } } }
    const items = {
      kind: 'choice' as const,
      n: 20,
      correct: { acc: encodeBits(Array.from({ length: 20 }, (_, i) => i < right)) },
      values: { gold_prob: encodeFloats(prob) },
      sha256: model,
    }
    return { ...base, record, items }
  }
  const flat = new Array(20).fill(0.25)
  const rising = flat.map((p, i) => p + 0.02 + (i % 2 ? 0.01 : -0.01))
  const report = markdownReport(resultsDocument([item('small', 1e5, 5, flat), item('large', 1e6, 6, rising)]))
  const perItem = report.slice(report.indexOf('## Per-item scores by size'))

  test('each model’s value with its 95% interval, value ± 1.96 · stderr', () => {
    expect(perItem).toContain('#### choice')
    // acc 0.25, stderr sqrt(0.25 · 0.75 / 19) = 0.09934: 0.25 ± 0.19470; 0.30, stderr 0.10513: 0.30 ± 0.20605.
    expect(perItem).toContain('| acc | higher | 0.2500 [0.05530, 0.4447] | 0.3000 [0.09395, 0.5061] |')
  })

  test('each step up in size: the paired difference, its bootstrap interval and the MDE, by hand', () => {
    // One discordant item of 20: difference 0.05; the bootstrap mean is Binomial(20, 1/20) / 20, whose 2.5% and 97.5%
    // quantiles are 0 and 3/20 (P(X ≤ 2) = 0.925, P(X ≤ 3) = 0.984); MDE = 2.8016 · √1 / 20 = 0.140.
    expect(perItem).toContain('| acc | +0.0500 [±0.00, +0.150] (±0.14) |')
    // Differences 0.01 and 0.03 alternating: mean 0.02, SE = 0.01 · √(20/19) / √20 = 0.002294, MDE = 2.8016 · SE = 0.0064;
    // the bootstrap mean is 0.01 + 0.02 · Binomial(20, 1/2) / 20, whose 2.5% and 97.5% quantiles are 6/20 and 14/20: [0.016, 0.024].
    expect(perItem).toContain('| gold_prob | higher | 0.2500 [0.2480, 0.2520] | 0.2700 [0.2680, 0.2720] |')
    expect(perItem).toContain('| gold_prob | +0.0200 [+0.0160, +0.0240] (±0.0064) ✔ |')
  })
})
