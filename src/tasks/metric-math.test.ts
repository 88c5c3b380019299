import { describe, expect, test } from 'vitest'
import { accuracy, argmaxFirst, bitsPerByte, bytePerplexity, codePointLength, mean, meanStderr, normalizedAccuracy, wordPerplexity } from './metric-math.ts'

describe('acc and acc_norm', () => {
  test('acc is 1 exactly when the gold choice has the highest log-likelihood', () => {
    expect(accuracy([-3, -1, -2], 1)).toBe(1)
    expect(accuracy([-3, -1, -2], 0)).toBe(0)
  })

  test('ties go to the first index, as np.argmax', () => {
    expect(argmaxFirst([-1, -1, -2])).toBe(0)
    expect(accuracy([-2, -1, -1], 1)).toBe(1)
    expect(accuracy([-2, -1, -1], 2)).toBe(0)
    expect(argmaxFirst([-1, Number.NaN, 0])).toBe(1)
  })

  test('acc_norm divides by the choice length and can disagree with acc', () => {
    // -4/2 = -2 against -6/4 = -1.5: normalisation flips the winner.
    expect(accuracy([-4, -6], 0)).toBe(1)
    expect(normalizedAccuracy([-4, -6], ['ab', 'abcd'], 1)).toBe(1)
    // -3/3 = -1 twice: a normalised tie also goes to the first index.
    expect(normalizedAccuracy([-3, -6], ['abc', 'abcdef'], 0)).toBe(1)
  })

  test('lengths are code points: not UTF-16 units, not UTF-8 bytes', () => {
    expect(codePointLength('😀😀')).toBe(2)
    expect(codePointLength('café')).toBe(4)
    // Code points: -2.2/2 = -1.1 < -3/3 = -1, so choice 1 wins. UTF-16 units (4) or bytes (8) would pick choice 0.
    expect(normalizedAccuracy([-2.2, -3], ['😀😀', 'abc'], 1)).toBe(1)
  })
})

describe('aggregation', () => {
  test('mean and stderr with n − 1: sqrt(p(1 − p)/(n − 1)) for 0/1 data', () => {
    expect(mean([1, 0, 1, 1])).toBe(0.75)
    // sqrt(0.75 · 0.25 / 3) = sqrt(0.0625) = 0.25
    expect(meanStderr([1, 0, 1, 1])).toBeCloseTo(0.25, 15)
    // Σ(x − 5)² = 32, sample variance 32/7, stderr sqrt(32/7)/sqrt(8) = sqrt(4/7)
    expect(meanStderr([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(4 / 7), 15)
  })

  test('stderr is undefined (lm-eval prints N/A) for a single value', () => {
    expect(meanStderr([1])).toBeUndefined()
  })

  test('perplexities are corpus-level ratios, not means of per-document ratios', () => {
    // Σ LL = −40 over 15 words and 60 bytes.
    expect(wordPerplexity([-10, -30], [10, 5])).toBeCloseTo(Math.exp(40 / 15), 12)
    expect(bytePerplexity([-10, -30], [40, 20])).toBeCloseTo(Math.exp(40 / 60), 12)
    expect(bitsPerByte([-10, -30], [40, 20])).toBeCloseTo(40 / 60 / Math.LN2, 12)
  })

  test('mismatched lengths and empty inputs are errors, not NaN', () => {
    expect(() => wordPerplexity([-1], [1, 2])).toThrow('one word count per document')
    expect(() => bytePerplexity([], [])).toThrow('must be positive')
    expect(() => mean([])).toThrow('empty')
  })
})
