import { describe, expect, test } from 'vitest'
import { crossFamilyPlots, renderSvg, scalingFitPlots } from './plots.ts'
import type { ItemDigest } from '../core/schema.ts'
import { lossMetric, type MetricPoint } from './results.ts'
import { analyzeStudies, saturatingStatement, scalingMarkdown } from './scaling-section.ts'

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
  expect(plot!.title).toBe('Scaling: law, heldout perplexity')
  expect(svg).toContain('fit: PPL = ') // the convention is named in the subtitle
  expect(svg).toContain('(total parameters (tied embeddings counted once))')
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
  // The HTML page's second statement: the saturating law by variable projection, the Huber cross-check, the χ² verdict.
  const saturating = saturatingStatement(studies[0]!)!
  const law = studies[0]!.analysis!.conventions[0]!.saturatingLaw
  expect(saturating).toContain('Saturating law L = E + A·N^−α by variable projection: ')
  expect(saturating).toContain(law.huberCrossCheck.statement)
  expect(saturating).toContain('Goodness of fit: no χ² (no per-model standard error of every point).')
})

describe('a study whose models declare two families', () => {
  // Bits per byte on exact laws with a shared exponent 0.2: family "b" needs 10% more bits per byte than "a" at
  // every size; a little deterministic noise. Each model also reports a token perplexity (its own tokenizer's).
  const bitsPerByte = { direction: 'lower', kind: 'bits', aggregation: 'corpus', unit: 'byte' } as const
  const familyPoints: MetricPoint[] = (['a', 'b'] as const).flatMap((family, f) =>
    sizes.flatMap((N, i) => {
      const base = {
        study: 'families',
        model: `${family}${i}`,
        task: 'heldout',
        stderr: undefined,
        parameters: N,
        nonEmbeddingParameters: N,
        family,
        chance: null,
      }
      const value = 30 * (f === 0 ? 1 : 1.1) * N ** -0.2 * noise[(i + f) % noise.length]!
      return [
        { ...base, metric: 'bits_per_byte', value, info: bitsPerByte },
        { ...base, metric: 'perplexity', value: 1000 * N ** -0.25, info: points[0]!.info },
      ]
    }),
  )

  test('report.md fits the cross-family law on declared bits per byte and says which family is ahead and whether the data can tell', () => {
    const [study] = analyzeStudies(familyPoints)
    const fit = study!.crossFamily!.fit!
    expect(fit.shared.exponent.value).toBeCloseTo(0.2, 2)
    expect(fit.comparisons[0]).toMatchObject({ ahead: 'a', behind: 'b', distinguishable: true })
    expect(fit.comparisons[0]!.ratio.value).toBeCloseTo(1.1, 2)
    const markdown = scalingMarkdown([study!])!
    expect(markdown).toContain('### Across families (bits per byte)')
    expect(markdown).toContain('on heldout bits_per_byte, N = total parameters')
    expect(markdown).toMatch(/\| a \| 5 \| [−\d.]+ \[[−\d.]+, [−\d.]+\] \| 0\.2\d+ \[/)
    expect(markdown).toMatch(/At equal size, a needs 9\.\d% fewer bits per byte than b .*: the data can tell\./)
  })

  test('no per-study law on token perplexities across families (different tokenizers); per word it fits', () => {
    // (The law's fit needs distinct sizes and non-embedding parameters below the total, which these points do not have.)
    const fittable = familyPoints.map(p => {
      const parameters = p.family === 'b' ? p.parameters * 1.5 : p.parameters
      return { ...p, parameters, nonEmbeddingParameters: parameters * 0.9 }
    })
    const [study] = analyzeStudies(fittable)
    expect(study!.loss).toMatchObject({ task: 'heldout', metric: 'perplexity' })
    expect(study!.analysis).toBeUndefined()
    expect(scalingFitPlots([study!])).toEqual([])
    expect(scalingMarkdown([study!])).toContain(
      'Fitted on heldout perplexity (loss = ln perplexity). Not fitted: the loss is a per-token perplexity and the models come from 2 families (a, b), each with its own tokenizer',
    )
    // The same values declared per word: the words are the same for every tokenizer, so one law is fitted.
    const perWord = fittable.map(p => (p.metric === 'perplexity' ? { ...p, info: { ...p.info!, unit: 'word' as const } } : p))
    expect(analyzeStudies(perWord)[0]!.analysis).toBeDefined()
    // One family: the token perplexities share a tokenizer and are fitted as before.
    expect(analyzeStudies(fittable.filter(p => p.family === 'a'))[0]!.analysis).toBeDefined()
  })

  test('families are read from declarations and bits per byte from metric metadata, never from names', () => {
    // The same values under a metric named bits_per_byte but declared a perplexity: no cross-family fit.
    const undeclaredKind = familyPoints.map(p => (p.metric === 'bits_per_byte' ? { ...p, info: points[0]!.info } : p))
    expect(analyzeStudies(undeclaredKind)[0]!.crossFamily).toMatchObject({ error: expect.stringContaining('no task of the study reports bits per byte') })
    // Models named a0…b4 but declaring no family: a single-family study, whose report has no cross-family section.
    const single = analyzeStudies(familyPoints.map(p => ({ ...p, family: undefined })))
    expect(single[0]!.crossFamily).toBeUndefined()
    expect(scalingMarkdown(single)).not.toContain('Across families')
    expect(crossFamilyPlots(single)).toEqual([])
  })

  test('the cross-family plot has one colour per family and every measured point', async () => {
    const [plot] = crossFamilyPlots(analyzeStudies(familyPoints))
    const svg = await renderSvg(plot!.spec(false))
    for (const p of familyPoints.filter(p => p.metric === 'bits_per_byte'))
      expect(svg).toContain(`${p.model} (${p.family}) bits_per_byte = ${p.value.toPrecision(6)}`)
    const fills = (family: string) =>
      new Set([...svg.matchAll(/aria-label="[^"]*\((\w)\) bits_per_byte[^"]*"[^>]*fill="([^"]+)"/g)].filter(m => m[1] === family).map(m => m[2]))
    expect(fills('a').size).toBe(1)
    expect(fills('b').size).toBe(1)
    expect([...fills('a')][0]).not.toBe([...fills('b')][0])
  })
})

test("the study's recorded loss wins over the fallback in the scaling section, the fit plot and the model table's loss", () => {
  // A second perplexity task whose name sorts first: the fallback (first task by name, per-token first) would take it.
  const other = points.map(p => ({ ...p, task: 'aaa', value: p.value * 2 }))
  const named = new Map([['law', { task: 'heldout', metric: 'perplexity' }]])
  expect(lossMetric([...other, ...points])).toMatchObject({ task: 'aaa', metric: 'perplexity', unit: 'token' })
  expect(lossMetric([...other, ...points], named.get('law'))).toEqual({ task: 'heldout', metric: 'perplexity', unit: 'token' })
  const [study] = analyzeStudies([...other, ...points], named)
  expect(study!.loss).toMatchObject({ task: 'heldout', metric: 'perplexity' })
  // The fitted values are heldout's, not the doubled aaa's (the analysis goes through ln and back).
  study!.analysis!.models.forEach((m, i) => expect(m.perplexity / points[i]!.value).toBeCloseTo(1, 12))
  expect(scalingMarkdown([study!])).toContain('Fitted on heldout perplexity (loss = ln perplexity).')
  expect(scalingFitPlots([study!])[0]!.title).toBe('Scaling: law, heldout perplexity')
})

test("a study's `predict` sizes reach the analysis and report.md: the loss with its prediction interval at each size", () => {
  const named = new Map([['law', { task: 'heldout', metric: 'perplexity', predict: [1e9] }]])
  const [study] = analyzeStudies(points, named)
  const total = study!.analysis!.conventions.find(c => c.convention === 'total')!
  expect(total.predictions.map(p => p.params)).toEqual([1e9])
  const saturating = total.predictions[0]!.forms.saturating
  const [low, high] = saturating.newModelLossInterval!
  expect(low).toBeLessThan(saturating.loss)
  expect(high).toBeGreaterThan(saturating.loss)
  const markdown = scalingMarkdown([study!])!
  const row = markdown.split('\n').find(line => line.startsWith('| 1.00B | saturating'))!
  expect(row).toContain(`| ${saturating.loss.toFixed(3)} |`)
  expect(row).toContain(`[${low.toFixed(3)}, ${high.toFixed(3)}]`)
  expect(row).toContain('new model: 95% t prediction interval, 2 dof')
})

test('per-item digests reach the analysis: per-word losses and 0/1 accuracies feed the nested bootstrap', async () => {
  const { encodeBits, encodeFloats } = await import('../core/bitset.ts')
  const accuracy = { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } as const
  const words = [10, 20, 30, 40]
  const nllOf = (i: number) => words.map(w => w * Math.log(points[i]!.value) * (1 + 0.01 * ((w % 3) - 1)))
  const perWord = points.map((p, i) => {
    const nll = nllOf(i)
    return { ...p, metric: 'word_perplexity', value: Math.exp(nll.reduce((s, v) => s + v, 0) / 100), info: { ...p.info!, unit: 'word' as const } }
  })
  const bits = (i: number) => [true, i > 1, i > 2, false, i > 3, true]
  const mc = points.map((p, i) => ({ ...p, task: 'mc', metric: 'acc', value: bits(i).filter(Boolean).length / 6, stderr: 0.1, info: accuracy, chance: 0.25 }))
  const lookup = (_: string, model: string, task: string): ItemDigest => {
    const i = Number(model.slice(1))
    if (task === 'mc') return { kind: 'choice', n: 6, correct: { acc: encodeBits(bits(i)) }, sha256: '' }
    return { kind: 'rolling', n: 4, correct: {}, values: { nll: encodeFloats(nllOf(i)), words: encodeFloats(words) }, sha256: '' }
  }
  const [study] = analyzeStudies([...perWord, ...mc], new Map(), lookup)
  const total = study!.analysis!.conventions.find(c => c.convention === 'total')!
  expect(total.nestedBootstrap.available).toBe(true)
  expect(total.saturatingLaw.goodnessOfFit.available).toBe(true)
  const task = study!.analysis!.downstream.find(t => t.task === 'mc')!
  if (!task.nestedBootstrap.available) throw new Error(task.nestedBootstrap.reason)
  expect(task.nestedBootstrap.quantities[0]!.estimate).toBeCloseTo(task.versusLogParams[0]!.accuracyPerDecade.estimate, 12)
  expect(scalingMarkdown([study!])).toContain('**mc, accuracy per decade.** Nested bootstrap (400 replicates per part')
})

test('report.md puts the speed laws beside the quality law and states the quality–speed Pareto front', () => {
  // tokens/s = 1e7·N^−0.5 exactly, memory 1e6·N^0.25.
  const speed = new Map([
    [
      'law',
      points.map(p => ({
        modelId: p.model,
        params: p.parameters,
        phases: { scoring: { tokensPerSecond: 1e7 * p.parameters ** -0.5, rssBytes: 1e6 * p.parameters ** 0.25 } },
      })),
    ],
  ])
  const [study] = analyzeStudies(points, new Map(), undefined, speed)
  const front = points.map((p, i) => ({
    study: 'law',
    model: p.model,
    speed: i === 0 ? 1 : 1e7 * p.parameters ** -0.5,
    value: p.value,
    metric: 'heldout perplexity',
    onFront: i !== 0,
  }))
  const markdown = scalingMarkdown([study!], front)!
  expect(markdown).toContain('### Speed against size')
  expect(markdown).toContain('| scoring | tokens/s | 5 | −0.500 [−0.500, −0.500] | 0.707 | 1.000 |')
  expect(markdown).toContain('| scoring | resident memory (bytes) | 5 | 0.250 [0.250, 0.250] | 1.189 | 1.000 |')
  expect(markdown).toMatch(/Beside the quality law \(perplexity ∝ N\^−0\.25\d\d/)
  expect(markdown).toContain('**Quality–speed Pareto front** (heldout perplexity against scoring tokens/s')
  expect(markdown).toContain(`Dominated: m0 (1 scoring tok/s, ${points[0]!.value.toPrecision(4)}).`)
})
