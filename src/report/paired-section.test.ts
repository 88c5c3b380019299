import { describe, expect, test } from 'vitest'
import { encodeBits, encodeFloats } from '../core/bitset.ts'
import type { CaseEntry, ResultsDocument } from '../core/schema.ts'
import { pairedSection } from './paired-section.ts'

const metrics = {
  acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' },
  gold_prob: { direction: 'higher', kind: 'probability', aggregation: 'mean' },
} as const

/** A passed case of study `s`: the record's task and metrics and the item digest are what the section reads. */
function caseOf(model: string, task: string, record: object, items: object): CaseEntry {
  return {
    study: 's',
    model,
    task,
    name: `${model} › ${task}`,
    file: 'x',
    state: 'passed',
    resumed: false,
    errors: [],
    bands: [],
    record,
    items,
  } as unknown as CaseEntry
}

/** 200 items; acc: the same 60 right for both models (flat); gold_prob: 0.25 everywhere, plus `rise` ± 0.01 alternating. */
function entry(model: string, rise: number): CaseEntry {
  const bits = Array.from({ length: 200 }, (_, i) => i < 60)
  const prob = bits.map((_, i) => 0.25 + rise + (rise ? (i % 2 ? 0.01 : -0.01) : 0))
  const mean = prob.reduce((a, b) => a + b, 0) / prob.length
  return caseOf(
    model,
    'mc',
    {
      task: { name: 'mc', version: '1', kind: 'multiple_choice', chance: 0.25, metrics },
      metrics: { acc: { value: 0.3, stderr: 0.0325 }, gold_prob: { value: mean, stderr: 0.001 } },
    },
    { kind: 'choice', n: 200, correct: { acc: encodeBits(bits) }, values: { gold_prob: encodeFloats(prob) }, sha256: model },
  )
}

describe('report.md: per-item scores by size', () => {
  test('flat accuracy beside a rising continuous score: the paired interval tells the rise, not the flat line', () => {
    const doc = {
      schemaVersion: 2,
      generatedAt: '',
      vitest: { version: '4', mode: 'benchmark' },
      cases: [entry('small', 0), entry('large', 0.02)],
    } as ResultsDocument
    const section = pairedSection(doc)!
    expect(section).toContain('## Per-item scores by size')
    // Values with 95% intervals: 0.3 ± 1.96 · 0.0325.
    expect(section).toContain('| acc | higher | 0.3000 [0.2363, 0.3637] | 0.3000 [0.2363, 0.3637] |')
    // No item changed: difference 0, interval [0, 0], no discordant pairs so nothing detectable beyond 0.
    expect(section).toContain('| acc | ±0.00 [±0.00, ±0.00] (±0.0) |')
    // +0.02 per item ± 0.01: the interval sits near [0.0186, 0.0214] and excludes zero. MDE = 2.8016 · 0.01 · sqrt(200/199) / sqrt(200) = 0.0020.
    expect(section).toMatch(/\| gold_prob \| \+0\.0200 \[\+0\.01\d+, \+0\.02\d+\] \(±0\.0020\) ✔ \|/)
  })

  test('token perplexity: each step as a ratio over the same windows, with its interval and the windows’ lag-1 correlation', () => {
    const tokens = Array.from({ length: 40 }, () => 100)
    const perplexity = { direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit: 'token' }
    const windows = (model: string, nll: number[], windowTokens = tokens) =>
      caseOf(
        model,
        'ppl',
        {
          task: { name: 'ppl', version: '1', kind: 'token_perplexity', chance: null, metrics: { perplexity } },
          metrics: { perplexity: { value: Math.exp(nll.reduce((a, b) => a + b, 0) / 4000) } },
        },
        { kind: 'token_perplexity', n: 40, correct: {}, values: { nll: encodeFloats(nll), tokens: encodeFloats(windowTokens) }, sha256: model },
      )
    // 4 nats per token, then 0.1 nats fewer (ratio e^−0.1 = 0.9048) with ±2 nats per window in runs of two: +2 +2 −2 −2 …
    // Lag-1 products over windows 1–39: 20 of +4 and 19 of −4, over 39 · 4: ρ₁ = 4 / 156 = 0.03.
    const small = tokens.map(() => 400)
    const large = small.map((v, w) => v - 10 + (w % 4 < 2 ? 2 : -2))
    const doc = (...cases: CaseEntry[]) => ({ schemaVersion: 2, generatedAt: '', vitest: { version: '4', mode: 'benchmark' }, cases }) as ResultsDocument
    const section = pairedSection(doc(windows('small', small), windows('large', large)))!
    expect(section).toContain('| perplexity | 54.60 | 49.40 |')
    expect(section).toMatch(/\| perplexity \| ×0\.9048 \[×0\.89\d\d, ×0\.91\d\d\] \(ρ₁ 0\.03\) ✔ \|/)
    const other = pairedSection(
      doc(
        windows('small', small),
        windows(
          'other',
          large,
          tokens.map((t, w) => (w ? t : t + 1)),
        ),
      ),
    )!
    expect(other).toContain('| perplexity | other tokens (another tokenizer) |')
  })

  test('no case with per-item records: no section', () => {
    expect(pairedSection({ schemaVersion: 2, generatedAt: '', vitest: { version: '4', mode: 'benchmark' }, cases: [] } as ResultsDocument)).toBeUndefined()
  })
})
