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

test('the scaling plot shows every measured point and the fitted law with its interval, as report.md states it', async () => {
  const studies = analyzeStudies(points)
  const [plot] = scalingFitPlots(studies)
  const svg = await renderSvg(plot!.spec)
  for (const p of points) expect(svg).toContain(`${p.model} heldout perplexity = ${p.value.toPrecision(6)}`)
  expect(plot!.title).toBe('Scaling: law, heldout perplexity (total parameters (tied embeddings counted once))')
  const slope = studies[0]!.analysis!.conventions.find(c => c.convention === 'total')!.perplexityLaw.perplexitySlope
  expect(slope.estimate).toBeCloseTo(-0.25, 2)
  expect(slope.interval![0]).toBeLessThan(-0.25)
  expect(slope.interval![1]).toBeGreaterThan(-0.25)
  const legend = `fit: PPL ∝ N^${slope.estimate.toFixed(4)} [${slope.interval![0].toFixed(4)}, ${slope.interval![1].toFixed(4)}]`
  expect(svg).toContain(legend)
  expect(svg).toMatch(/class="mark-area role-mark[^"]*"[^>]*>\s*<path[^>]*d="M[^"]+"/) // the confidence band
  expect(scalingMarkdown(studies)).toContain(`N^${slope.estimate.toFixed(4).replace('-', '−')}`) // the markdown prints a true minus sign
})
