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

test('cost per token vs context: a point per prefill length, decode context and batched decode, in ms per token', async () => {
  const rate = (tokensPerSecond: number) => ({ tokensPerSecond, tokensPerCall: 1, meanMs: 1, p50Ms: 1, p99Ms: 1, rme: 1, samples: 10 })
  const timed = caseEntry({ study: 's', model: 'tiny', parameters: 1e5, task: 'heldout', metrics: { perplexity: { value: 10 } } })
  const entry = {
    ...timed,
    record: {
      ...timed.record!,
      throughput: {
        prefillByLength: [
          { length: 128, ...rate(4000) },
          { length: 512, ...rate(2000) },
        ],
        decodeByContext: [{ context: 128, ...rate(250) }],
        batchedDecode: { batch: 8, context: 128, ...rate(1000) },
      },
    },
  }
  const plot = plotSpecs(buildResults([entry], { version: '4.1.12', mode: 'benchmark' }, new Date(0)), []).find(p => p.file === 'cost-vs-context.svg')!
  const svg = await renderSvg(plot.spec(false))
  // 1000 / tokens/s: 4000 → 0.25 ms, 2000 → 0.5 ms, 250 → 4 ms, 1000 → 1 ms per token.
  const labels = [...svg.matchAll(/aria-label="(tiny [^"]*ms\/token)"/g)].map(m => m[1])
  expect(labels).toEqual([
    'tiny prefill at 128 tokens = 0.25 ms/token',
    'tiny prefill at 512 tokens = 0.5 ms/token',
    'tiny decode at 128 tokens = 4 ms/token',
    'tiny decode ×8 rows at 128 tokens = 1 ms/token',
  ])
  expect(svg).toContain('>context length (tokens, log scale)</text>')
})
