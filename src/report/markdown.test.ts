import { describe, expect, test } from 'vitest'
import { caseEntry, resultsDocument } from '../../test-support/case-entries.ts'
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
