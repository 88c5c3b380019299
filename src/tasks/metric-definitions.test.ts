import { describe, expect, test } from 'vitest'
import { acc, accNorm, choiceScores, rollingMetrics, tokenMetrics } from './metric-definitions.ts'

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
    expect(acc.perDocument([-3, -3], document, [1, 1])).toBe(0)
    expect(accNorm.perDocument([-3, -3], document, [1, 1])).toBe(1)
  })

  test('continuous scores by hand: three choices at log-likelihoods ln 0.2, ln 0.3, ln 0.1, gold 1 of 4 tokens', () => {
    // The choices' probabilities renormalised: 0.2/0.6, 0.3/0.6, 0.1/0.6 = 1/3, 1/2, 1/6.
    const ll = [Math.log(0.2), Math.log(0.3), Math.log(0.1)]
    const document = { requests: [], choices: ['a', 'b', 'c'], gold: 1 }
    const tokens = [2, 4, 3]
    expect(choiceScores.gold_prob.perDocument(ll, document, tokens)).toBeCloseTo(1 / 2, 14)
    expect(choiceScores.gold_margin.perDocument(ll, document, tokens)).toBeCloseTo(Math.log(1.5), 14)
    expect(choiceScores.brier.perDocument(ll, document, tokens)).toBeCloseTo((1 / 3) ** 2 + (1 / 2) ** 2 + (1 / 6) ** 2, 14)
    expect(choiceScores.gold_ll_per_token.perDocument(ll, document, tokens)).toBeCloseTo(Math.log(0.3) / 4, 14)
    // A wrong gold: the margin is negative exactly when acc is 0.
    const wrong = { ...document, gold: 2 }
    expect(choiceScores.gold_margin.perDocument(ll, wrong, tokens)).toBeCloseTo(Math.log(1 / 3), 14)
    expect(acc.perDocument(ll, wrong, tokens)).toBe(0)
    expect(choiceScores.brier.perDocument(ll, wrong, tokens)).toBeCloseTo((1 / 3) ** 2 + (1 / 2) ** 2 + (5 / 6) ** 2, 14)
  })

  test('the probabilities survive log-likelihoods far below exp underflow', () => {
    const document = { requests: [], choices: ['a', 'b'], gold: 0 }
    expect(choiceScores.gold_prob.perDocument([-2000, -2000 - Math.log(3)], document, [1, 1])).toBeCloseTo(3 / 4, 12)
  })

  test('every declared direction is the way the score improves', () => {
    expect(choiceScores.gold_prob.direction).toBe('higher')
    expect(choiceScores.gold_margin.direction).toBe('higher')
    expect(choiceScores.brier.direction).toBe('lower')
    expect(choiceScores.gold_ll_per_token.direction).toBe('higher')
  })
})
