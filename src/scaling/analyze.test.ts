import { serialRatioStandardError } from '../statistics/long-run-variance.ts'
import { describe, expect, test } from 'vitest'
import { analyzeScaling } from './analyze.ts'
import { formatScalingMarkdown } from './markdown.ts'
import { priorStudyPoints } from './prior-study.fixture.ts'
import { seededRandom } from '../core/random.ts'

const random = seededRandom(51)
const sizes = [20e6, 50e6, 125e6, 350e6, 600e6, 1e9, 1.5e9]
// A forged-family-like study: saturating loss, per-task accuracies from a chance-floored sigmoid.
const points = sizes.map((N, i) => {
  const loss = (1.8 + 300 * N ** -0.33) * Math.exp(0.003 * random.normal())
  const acc = (c: number, k: number, L0: number) => c + (1 - c) / (1 + Math.exp(-k * (L0 - loss)))
  return {
    modelId: `forged-${i}`,
    params: { total: N, nonEmbedding: N * 0.9 },
    loss,
    accuracies: { piqa: { acc: acc(0.5, 2, 2.3), stderr: 0.011 }, arc_easy: { acc: acc(0.25, 2.5, 2.4), stderr: 0.01 } },
  }
})

describe('analyzeScaling', () => {
  // The chance levels the tasks declare (results record them; analyzeScaling has no table of its own).
  const chanceLevels = { piqa: 0.5, arc_easy: 0.25 }
  const analysis = analyzeScaling(points, { bootstrapSamples: 100, predictAt: { total: [3e9] }, curvePoints: 9, chanceLevels })
  test('returns plain JSON: a round trip changes nothing (no NaN, Infinity, functions)', () => {
    expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis)
  })
  test('every N-dependent result is labelled with its parameter convention', () => {
    expect(analysis.conventions.map(c => [c.convention, c.label])).toEqual([
      ['total', 'total parameters (tied embeddings counted once)'],
      ['nonEmbedding', 'non-embedding parameters (Kaplan convention)'],
    ])
    expect(analysis.conventions[0]!.perplexityLaw.perplexitySlope.definition).toBe('d ln PPL / d ln N')
    expect(analysis.conventions[0]!.lossPowerLaw.lossExponentAlpha.definition).toBe('−d ln L / d ln N')
  })
  test('curves carry bands that bracket the fit, and predictions have intervals', () => {
    const total = analysis.conventions[0]!
    for (const form of ['logLinear', 'powerLaw', 'saturating'] as const) {
      expect(total.curves[form]).toHaveLength(9)
      for (const p of total.curves[form]) {
        expect(p.lossLower!).toBeLessThanOrEqual(p.loss + 1e-12)
        expect(p.lossUpper!).toBeGreaterThanOrEqual(p.loss - 1e-12)
      }
    }
    expect(total.curves.saturating.at(-1)!.params).toBeCloseTo(3e9, 0)
    const saturating = total.predictions[0]!.forms.saturating
    expect(saturating.perplexity).toBeCloseTo(Math.exp(saturating.loss), 12)
    expect(saturating.lossInterval![0]).toBeLessThan(saturating.loss)
  })
  test('the saturating law is recovered and the form comparison prefers it', () => {
    const total = analysis.conventions[0]!
    expect(total.saturatingLaw.lossExponentAlpha.interval![0]).toBeLessThan(0.33)
    expect(total.saturatingLaw.lossExponentAlpha.interval![1]).toBeGreaterThan(0.33)
    expect(total.formComparison.best).toBe('saturating')
  })
  test('downstream: per-task sigmoid against loss and log-linear against log N', () => {
    const piqa = analysis.downstream.find(t => t.task === 'piqa')!
    expect(piqa.chance).toBe(0.5)
    if (!piqa.versusLoss.available) throw new Error(piqa.versusLoss.reason)
    expect(piqa.versusLoss.fit.slope.estimate).toBeCloseTo(2, 4)
    expect(piqa.versusLoss.fit.midpointLoss.estimate).toBeCloseTo(2.3, 4)
    expect(piqa.versusLogParams).toHaveLength(2)
  })
  test("the predicted accuracy at 3e9 is each task's sigmoid at the saturating law's predicted loss, inside its interval", () => {
    const prediction = analysis.conventions[0]!.predictions[0]!
    const { loss, newModelLossInterval } = prediction.forms.saturating
    expect(newModelLossInterval![0]).toBeLessThan(loss)
    expect(newModelLossInterval![1]).toBeGreaterThan(loss)
    const piqa = analysis.downstream.find(t => t.task === 'piqa')!
    if (!piqa.versusLoss.available) throw new Error(piqa.versusLoss.reason)
    const fit = piqa.versusLoss.fit
    const predicted = prediction.accuracies.find(a => a.task === 'piqa')!
    expect(predicted.accuracy).toBeCloseTo(0.5 + 0.5 / (1 + Math.exp(-fit.slope.estimate * (fit.midpointLoss.estimate - loss))), 12)
    expect(predicted.interval![0]).toBeLessThan(predicted.accuracy)
    expect(predicted.interval![1]).toBeGreaterThan(predicted.accuracy)
  })
  test('the same seed reproduces the analysis exactly', () => {
    expect(analyzeScaling(points, { bootstrapSamples: 100, predictAt: { total: [3e9] }, curvePoints: 9, chanceLevels })).toEqual(analysis)
  })
})

describe('the saturating law: variable projection first, Huber beside it', () => {
  const truth = { E: 1.69, A: 406.4, alpha: 0.34 }
  const exact = [1e7, 3e7, 1e8, 3e8, 1e9, 3e9].map((N, i) => ({ modelId: `m${i}`, params: { total: N }, loss: truth.E + truth.A * N ** -truth.alpha }))
  test('on an exact law both recover the truth, and the report says they agree', () => {
    const law = analyzeScaling(exact, { bootstrapSamples: 20 }).conventions[0]!.saturatingLaw
    expect(law.fit.method).toBe('variable projection')
    expect(law.lossExponentAlpha.estimate).toBeCloseTo(truth.alpha, 6)
    expect(law.irreducibleLoss.estimate).toBeCloseTo(truth.E, 6)
    expect(law.huberCrossCheck.agrees).toBe(true)
    expect(law.huberCrossCheck.statement).toMatch(/they agree within 5%/)
    expect(law.goodnessOfFit).toMatchObject({ available: false, reason: 'no per-model standard error of every point' })
  })
  test('on the default study’s losses Huber’s α is 3.3% lower (within 5%: agree); with per-model SEs a χ² test flags the scatter', () => {
    // The default study's five losses (brown-bigram xs … xl): least squares and Huber δ = 1e-3 give α 0.0618 and 0.0597.
    const losses = [5.0595, 4.8021, 4.4849, 4.1894, 3.9623]
    const sizes = [42080, 139584, 393888, 885888, 2558400]
    const points = sizes.map((N, i) => ({ modelId: `b${i}`, params: { total: N }, loss: losses[i]!, lossStderr: 0.01 }))
    const law = analyzeScaling(points, { bootstrapSamples: 20 }).conventions[0]!.saturatingLaw
    expect(law.lossExponentAlpha.estimate).toBeCloseTo(0.0618, 4)
    expect(law.huberCrossCheck.alpha).toBeCloseTo(0.0597, 4)
    expect(law.huberCrossCheck.agrees).toBe(true)
    const residuals = law.fit.residuals
    if (!law.goodnessOfFit.available) throw new Error(law.goodnessOfFit.reason)
    // χ² by hand: Σ (r_i / (0.01 / L_i))² on 5 − 3 dof.
    expect(law.goodnessOfFit.chiSquared).toBeCloseTo(
      residuals.reduce((s, r, i) => s + (r / (0.01 / losses[i]!)) ** 2, 0),
      10,
    )
    expect(law.goodnessOfFit.dof).toBe(2)
    expect(law.goodnessOfFit.describesPoints).toBe(false)
  })
})

describe('per-item losses: the nested bootstrap and each model’s standard error', () => {
  // Six models on a known law; each scores 300 documents of 40–80 tokens with per-token NLL noise SD 2 nats.
  const random = seededRandom(71)
  const truth = (N: number) => 1.8 + 300 * N ** -0.33
  const withItems = [20e6, 50e6, 125e6, 350e6, 1e9, 3e9].map((N, i) => {
    const units = Array.from({ length: 300 }, () => 40 + Math.floor(random.uniform() * 41))
    const nll = units.map(u => u * truth(N) + 2 * Math.sqrt(u) * random.normal())
    const loss = nll.reduce((s, v) => s + v, 0) / units.reduce((s, v) => s + v, 0)
    return { modelId: `m${i}`, params: { total: N }, loss, lossItems: { nll, units } }
  })
  const total = analyzeScaling(withItems, { bootstrapSamples: 20, nestedSamples: 100, predictAt: { total: [1e10] } }).conventions[0]!
  test('items, models and both: SDs of α, E and the predicted loss; the items part matches the per-model noise', () => {
    if (!total.nestedBootstrap.available) throw new Error(total.nestedBootstrap.reason)
    expect(total.nestedBootstrap.quantities.map(q => q.name)).toEqual(['loss exponent α', 'irreducible loss E', 'loss at N = 1.00e+10'])
    // Each model's loss SE from its items ≈ 2 / √(Σ units) (closed form for independent per-token noise), within 20%.
    total.nestedBootstrap.itemStandardErrors.forEach((se, i) => {
      const closed = 2 / Math.sqrt(withItems[i]!.lossItems.units.reduce((s, u) => s + u, 0))
      expect(se / closed).toBeGreaterThan(0.8)
      expect(se / closed).toBeLessThan(1.2)
    })
    for (const q of total.nestedBootstrap.quantities) expect(q.nested.sd).toBeGreaterThan(q.items.sd)
  })
  test('the χ² uses those standard errors, and the true law passes it', () => {
    if (!total.saturatingLaw.goodnessOfFit.available) throw new Error(total.saturatingLaw.goodnessOfFit.reason)
    expect(total.saturatingLaw.goodnessOfFit.dof).toBe(3)
    expect(total.saturatingLaw.goodnessOfFit.describesPoints).toBe(true)
  })
  test('items that do not give the loss are refused, naming the model', () => {
    const wrong = withItems.map((p, i) => (i === 2 ? { ...p, loss: p.loss * 1.01 } : p))
    expect(() => analyzeScaling(wrong)).toThrow(/points\[2\]\.lossItems: Σ nll \/ Σ units of lossItems is not the loss/)
  })
})

describe('per-window losses of one text: neighbours correlate', () => {
  // Six models, 300 consecutive windows of 256 tokens each, window NLL = 256 · L + AR(1) noise (φ 0.6, innovation
  // SD 8): each model's loss SE is 8 / ((1 − φ) · √300 · 256) in closed form, 2.5× what independent windows would give.
  const phi = 0.6
  const random = seededRandom(5)
  const truth = (N: number) => 1.8 + 300 * N ** -0.33
  const points = (serial: boolean) =>
    [20e6, 50e6, 125e6, 350e6, 1e9, 3e9].map((N, i) => {
      const units = Array.from({ length: 300 }, () => 256)
      let e = 0
      const nll = units.map(u => {
        e = phi * e + 8 * random.normal()
        return u * truth(N) + e
      })
      const loss = nll.reduce((s, v) => s + v, 0) / (256 * 300)
      return { modelId: `m${i}`, params: { total: N }, loss, lossItems: { nll, units, ...(serial ? { serial } : {}) } }
    })
  const closed = 8 / ((1 - phi) * Math.sqrt(300) * 256)
  const itemsSd = (serial: boolean) => {
    const nested = analyzeScaling(points(serial), { bootstrapSamples: 20, nestedSamples: 200 }).conventions[0]!.nestedBootstrap
    if (!nested.available) throw new Error(nested.reason)
    return nested.itemStandardErrors
  }
  test('the items part resamples blocks of neighbouring windows: each model’s SD within 30% of the closed form (independent draws: under 60%)', () => {
    for (const se of itemsSd(true)) {
      expect(se / closed).toBeGreaterThan(0.7)
      expect(se / closed).toBeLessThan(1.3)
    }
    for (const se of itemsSd(false)) expect(se / closed).toBeLessThan(0.6)
  })
  test('the χ² takes each model’s SE from the windows’ long-run variance', () => {
    const input = points(true)
    const fit = analyzeScaling(input, { bootstrapSamples: 20, nestedSamples: 20 }).conventions[0]!.saturatingLaw
    if (!fit.goodnessOfFit.available) throw new Error(fit.goodnessOfFit.reason)
    const expected = fit.fit.residuals.reduce((s, r, i) => {
      const { nll, units } = input[i]!.lossItems
      return s + (r / (serialRatioStandardError(nll, units) / input[i]!.loss)) ** 2
    }, 0)
    expect(fit.goodnessOfFit.chiSquared).toBeCloseTo(expected, 8)
  })
})

describe('input validation', () => {
  test('errors name the field and the value', () => {
    const bad = priorStudyPoints()
    bad[2] = { ...bad[2]!, params: { total: -5, nonEmbedding: 1 } }
    expect(() => analyzeScaling(bad)).toThrow(/points\[2\]\.params\.total: .*got -5/)
    expect(() => analyzeScaling(priorStudyPoints().slice(0, 2))).toThrow(/at least 3 models/)
    expect(() => analyzeScaling([{ modelId: 'a', params: { total: 1e8 } }, ...priorStudyPoints()])).toThrow(/points\[0\]: give loss \(nats\) or perplexity/)
    expect(() => analyzeScaling(priorStudyPoints(), { level: 95 } as never)).toThrow(/options\.level: .*got 95/)
    const duplicate = priorStudyPoints()
    duplicate[1] = { ...duplicate[1]!, modelId: duplicate[0]!.modelId }
    expect(() => analyzeScaling(duplicate)).toThrow(/duplicate modelId "MobileLLM-125M"/)
    const accBad = priorStudyPoints().map(p => ({ ...p, accuracies: { piqa: { acc: 65, stderr: 0.01 } } }))
    expect(() => analyzeScaling(accBad)).toThrow(/points\[0\]\.accuracies\.piqa\.acc: .*got 65/)
  })
  test('without non-embedding counts only the total convention is analysed, with a note', () => {
    const totalOnly = priorStudyPoints().map(p => ({ ...p, params: { total: p.params.total } }))
    const analysis = analyzeScaling(totalOnly, { bootstrapSamples: 20 })
    expect(analysis.conventions.map(c => c.convention)).toEqual(['total'])
    expect(analysis.notes[0]).toMatch(/Non-embedding counts were not given/)
  })
})

describe('formatScalingMarkdown', () => {
  const analysis = analyzeScaling(priorStudyPoints(), { bootstrapSamples: 50 })
  const md = formatScalingMarkdown(analysis)
  test('states the fitted laws with their intervals, the E statement, LOO errors and the AICc table', () => {
    expect(md.startsWith('## Scaling\n')).toBe(true)
    expect(md).toContain('PPL = 1151.')
    expect(md).toContain('−0.2457 ± 0.0141 | [−0.306, −0.185] (95% t-interval, 2 dof)')
    expect(md).toContain('0.1105 ± 0.0038 | [0.094, 0.127]')
    expect(md).toContain('**Irreducible loss E.** E is not identifiable from these 4 points')
    expect(md).toContain('the bootstrap interval for the saturating α')
    // The headline row agrees with the identifiability statement: α's range over E's profile set, not a bootstrap interval.
    const total = analysis.conventions.find(c => c.convention === 'total')!
    const [low, high] = total.irreducibleProfile.alphaRange!
    const saturatingRow = md.split('\n').find(line => line.startsWith('| saturating law in loss'))!
    expect(saturatingRow).toContain(`| ${low.toFixed(3)}–${high.toFixed(3)} (depends on E) | E not identifiable: α over E's 95% profile set |`)
    expect(md).toContain(`α ranges over ${low.toFixed(3)}–${high.toFixed(3)}`)
    expect(md).toMatch(/\| MobileLLM-125M \| 124\.6M \| −7\.0% \|/)
    expect(md).toMatch(/\| MobileLLM-1B \| 1\.01B \| −3\.5% \|/)
    expect(md).toContain('| form | formula | k | log-lik (ln L) | AICc | ΔAICc | weight |')
    expect(md).toContain('### N = non-embedding parameters (Kaplan convention)')
  })
})
