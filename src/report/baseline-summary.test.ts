import { expect, test } from 'vitest'
import type { BaselineReport } from '../core/comparison.ts'
import { baselineMarkdown } from './baseline-section.ts'
import { baselineSummary } from './baseline-summary.ts'

test('an update that wrote nothing says the file was left as it was, on the console and in report.md', () => {
  const report = {
    update: true,
    settings: { mode: 'auto', alpha: 0.05, perplexityTolerance: 0.01, throughputTolerance: 0.1, gateThroughput: false },
    failed: false,
    studies: [{ study: 's', file: '/root/benchmarks/__baselines__/s.json', status: 'updated', written: 0, kept: 3, comparisons: [] }],
  } as unknown as BaselineReport
  expect(baselineSummary(report, '/root')).toEqual(['[lmscale] baseline s: no case of this run has a result; left benchmarks/__baselines__/s.json as it was'])
  expect(baselineMarkdown(report, '/root')).toContain(
    'No case of this run has a result: `benchmarks/__baselines__/s.json` was left as it was; nothing was gated.',
  )
})
