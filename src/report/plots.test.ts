import { expect, test } from 'vitest'
import { caseEntry } from '../../test-support/case-entries.ts'
import { plotSpecs, renderSvg } from './plots.ts'
import { buildResults, metricPoints } from './results.ts'
import { analyzeStudies } from './scaling-section.ts'

// Twelve studies of one model each: twelve series in the perplexity plot, with long names.
const cases = Array.from({ length: 12 }, (_, i) =>
  caseEntry({
    study: `a-study-with-a-rather-long-name-number-${i}`,
    model: `m${i}`,
    parameters: 1e5 * (i + 1),
    task: 'heldout',
    metrics: { perplexity: { value: 100 - i } },
  }),
)
const doc = buildResults(cases, { version: '4.1.12', mode: 'benchmark' }, new Date(0))

test('past ten series every series keeps a colour of its own, and legends print whole labels', async () => {
  const plot = plotSpecs(doc, analyzeStudies(metricPoints(doc))).find(p => p.file === 'perplexity-vs-params.svg')!
  const svg = await renderSvg(plot.spec(false))
  const fills = [...svg.matchAll(/<path aria-label="m\d+ heldout perplexity[^"]*"[^>]*fill="(#[0-9a-f]{6})"/g)].map(m => m[1])
  expect(fills).toHaveLength(12)
  expect(new Set(fills).size).toBe(12)
  for (let i = 0; i < 12; i++) expect(svg).toContain(`>a-study-with-a-rather-long-name-number-${i}: heldout perplexity (per token)</text>`)
  expect(svg).not.toContain('…')
})
