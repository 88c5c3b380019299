import { expect, test } from 'vitest'
import { renderSvg, scalingFitPlots } from './plots.ts'
import type { MetricPoint } from './results.ts'
import { analyzeStudies, scalingMarkdown } from './scaling-section.ts'

// Perplexities on an exact power law, PPL = 1000 · N^−0.25, with a little deterministic noise.
const sizes = [1e6, 3e6, 1e7, 3e7, 1e8]
const noise = [1.01, 0.99, 1.005, 0.995, 1]
const points: MetricPoint[] = sizes.map((N, i) => ({
  study: 'law',
  model: `m${i}`,
  task: 'heldout',
  metric: 'perplexity',
  value: 1000 * N ** -0.25 * noise[i]!,
  stderr: undefined,
  parameters: N,
  nonEmbeddingParameters: N * 0.9,
  info: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'token' },
  chance: null,
}))

test('the scaling plot shows every measured point, the fitted law with its interval in words, and marks the extrapolation', async () => {
  const studies = analyzeStudies(points)
  const [plot] = scalingFitPlots(studies)
  const svg = await renderSvg(plot!.spec(false))
  for (const p of points) expect(svg).toContain(`${p.model} ${p.task} ${p.metric} = ${p.value.toPrecision(6)}`)
  const slope = studies[0]!.analysis!.conventions.find(c => c.convention === 'total')!.perplexityLaw.perplexitySlope
  expect(slope.estimate).toBeCloseTo(-0.25, 2)
  expect(slope.interval![0]).toBeLessThan(-0.25)
  expect(slope.interval![1]).toBeGreaterThan(-0.25)
  const minus = (x: number) => x.toFixed(4).replace('-', '−')
  // The exponent and its interval are in the subtitle, untruncated, not in a legend.
  expect(svg).toContain(`exponent ${minus(slope.estimate)}, 95% interval [${minus(slope.interval![0])}, ${minus(slope.interval![1])}]`)
  expect(svg).toMatch(/class="mark-area role-mark[^"]*"[^>]*>\s*<path[^>]*d="M[^"]+"/) // the confidence band
  // The curve runs from half the smallest to twice the largest size: both ends are dashed extrapolations.
  const lines = [...svg.matchAll(/<path aria-label="fit at N = [^"]*\((measured range|extrapolation)\)"[^>]*>/g)]
  expect(lines.map(l => l[1])).toEqual(['extrapolation', 'measured range', 'extrapolation'])
  for (const line of lines) expect(line[0].includes('stroke-dasharray="6,4"')).toBe(line[1] === 'extrapolation')
  expect(scalingMarkdown(studies)).toContain(`N^${minus(slope.estimate)}`) // the markdown prints a true minus sign
})
