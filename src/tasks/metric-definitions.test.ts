import { describe, expect, test } from 'vitest'
import { acc, accNorm, rollingMetrics, tokenMetrics } from './metric-definitions.ts'

describe('declared metrics compute what they declare', () => {
  test('token perplexity, mean NLL and bits per byte by hand: 10 tokens at ln 2 nats each over 5 bytes', () => {
    const totals = { nll: 10 * Math.LN2, tokens: 10, bytes: 5 }
    expect(tokenMetrics.nll.corpus(totals)).toBeCloseTo(Math.LN2, 15)
    expect(tokenMetrics.perplexity.corpus(totals)).toBeCloseTo(2, 14)
    expect(tokenMetrics.bits_per_byte.corpus(totals)).toBeCloseTo(2, 14)
  })

  test("lm-eval's rolling perplexities are corpus ratios, not means of per-document values", () => {
    const totals = { logLikelihoods: [-10, -30], words: [10, 5], bytes: [40, 20] }
    expect(rollingMetrics.word_perplexity.corpus(totals)).toBeCloseTo(Math.exp(40 / 15), 12)
    expect(rollingMetrics.byte_perplexity.corpus(totals)).toBeCloseTo(Math.exp(40 / 60), 12)
    expect(rollingMetrics.bits_per_byte.corpus(totals)).toBeCloseTo(40 / 60 / Math.LN2, 12)
  })

  test('acc takes the first maximal choice; acc_norm divides by code points', () => {
    const document = { requests: [], choices: ['ab', 'abcdef'], gold: 1 }
    expect(acc.perDocument([-3, -3], document)).toBe(0)
    expect(accNorm.perDocument([-3, -3], document)).toBe(1)
  })
})
