import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { decodeBits, decodeFloats, encodeBits } from '../core/bitset.ts'
import { digestItems } from './item-digest.ts'

describe('bitsets', () => {
  test('item i is bit i % 8 of byte ⌊i / 8⌋, least significant first', () => {
    // items 0, 2 and 9 correct → bytes 0b00000101 = 5 and 0b00000010 = 2
    const bits = Array.from({ length: 10 }, (_, i) => [0, 2, 9].includes(i))
    expect(encodeBits(bits)).toBe(Buffer.from([5, 2]).toString('base64'))
    expect(decodeBits(encodeBits(bits), 10, 'x')).toEqual(bits)
  })

  test('a bitset of the wrong size or not base64 is an error naming the field', () => {
    expect(() => decodeBits(Buffer.from([1]).toString('base64'), 10, 'cases.m › t.items.correct.acc')).toThrow(
      /cases\.m › t\.items\.correct\.acc: expected a base64 bitset of 10 items \(2 bytes\)/,
    )
    expect(() => decodeBits('not base64!', 3, 'f')).toThrow(/f: expected a base64 bitset/)
  })
})

describe('digestItems', () => {
  const accuracy = { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } as const
  const choice = [
    { gold: 0, ll: [-1, -2], acc: 1, acc_norm: 0 },
    { gold: 1, ll: [-1, -2], acc: 0, acc_norm: 1 },
    { gold: 1, ll: [-3, -2], acc: 1, acc_norm: 1 },
  ]

  test('multiple-choice items keep a correctness bitset per declared accuracy metric', () => {
    const digest = digestItems({ kind: 'choice', items: choice }, { acc: accuracy, acc_norm: accuracy })
    expect(digest.kind).toBe('choice')
    expect(digest.n).toBe(3)
    expect(decodeBits(digest.correct.acc!, 3, 'acc')).toEqual([true, false, true])
    expect(decodeBits(digest.correct.acc_norm!, 3, 'acc_norm')).toEqual([false, true, true])
  })

  test('only metrics declared as per-item accuracies get a bitset, whatever the item keys', () => {
    const digest = digestItems({ kind: 'choice', items: choice }, { acc: accuracy, acc_norm: { ...accuracy, kind: 'nll' } })
    expect(Object.keys(digest.correct)).toEqual(['acc'])
  })

  test('the digest is the sha256 of the canonical JSON and sees the last bit of any log-likelihood', () => {
    const items = [{ start: 1, tokens: 10, nll: 23.5 }]
    const perplexity = { perplexity: { direction: 'lower', kind: 'perplexity', aggregation: 'corpus' } } as const
    // keys sorted: nll, start, tokens
    const digest = digestItems({ kind: 'token_perplexity', items }, perplexity)
    expect(digest.sha256).toBe(createHash('sha256').update('[{"nll":23.5,"start":1,"tokens":10}]').digest('hex'))
    const nudged = [{ start: 1, tokens: 10, nll: 23.5 + 2 ** -48 }]
    expect(digestItems({ kind: 'token_perplexity', items: nudged }, perplexity).sha256).not.toBe(digest.sha256)
    expect(digest).toMatchObject({ kind: 'token_perplexity', n: 1, correct: {} })
  })

  test('token-perplexity windows keep their NLL and token counts as float32, in stream order', () => {
    const items = [
      { start: 1, tokens: 511, nll: 2049.25 },
      { start: 512, tokens: 256, nll: 1010.5 },
    ]
    const digest = digestItems({ kind: 'token_perplexity', items }, {})
    expect(decodeFloats(digest.values!.nll!, 2, 'nll')).toEqual([2049.25, 1010.5])
    expect(decodeFloats(digest.values!.tokens!, 2, 'tokens')).toEqual([511, 256])
  })

  test('rolling items and other executors’ items keep their declared kind, without bitsets', () => {
    expect(digestItems({ kind: 'rolling', items: [{ ll: -5, words: 3, bytes: 12, tokens: 4 }] }, {})).toMatchObject({ kind: 'rolling', n: 1, correct: {} })
    expect(digestItems({ kind: 'other', items: [{ doc: 0, correct: true }] }, { acc: accuracy })).toMatchObject({ kind: 'other', n: 1, correct: {} })
  })
})
