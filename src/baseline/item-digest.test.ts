import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { decodeBits, encodeBits } from './bitset.ts'
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
  const choice = [
    { gold: 0, ll: [-1, -2], acc: 1, acc_norm: 0 },
    { gold: 1, ll: [-1, -2], acc: 0, acc_norm: 1 },
    { gold: 1, ll: [-3, -2], acc: 1, acc_norm: 1 },
  ]

  test('multiple-choice items keep a correctness bitset per accuracy metric', () => {
    const digest = digestItems(choice)
    expect(digest.kind).toBe('choice')
    expect(digest.n).toBe(3)
    expect(decodeBits(digest.correct.acc!, 3, 'acc')).toEqual([true, false, true])
    expect(decodeBits(digest.correct.acc_norm!, 3, 'acc_norm')).toEqual([false, true, true])
  })

  test('the digest is the sha256 of the canonical JSON and sees the last bit of any log-likelihood', () => {
    const items = [{ tokens: 10, nll: 23.5, bytes: 40 }]
    // keys sorted: bytes, nll, tokens
    expect(digestItems(items).sha256).toBe(createHash('sha256').update('[{"bytes":40,"nll":23.5,"tokens":10}]').digest('hex'))
    const nudged = [{ tokens: 10, nll: 23.5 + 2 ** -48, bytes: 40 }]
    expect(digestItems(nudged).sha256).not.toBe(digestItems(items).sha256)
    expect(digestItems(items).kind).toBe('token_perplexity')
  })

  test('rolling items and other executors’ items are recognised without bitsets', () => {
    expect(digestItems([{ ll: -5, words: 3, bytes: 12, tokens: 4 }])).toMatchObject({ kind: 'rolling', n: 1, correct: {} })
    expect(digestItems([{ doc: 0, correct: true }])).toMatchObject({ kind: 'other', n: 1, correct: {} })
    expect(digestItems([{ gold: 0, ll: [-1], acc: 1 }]).correct).not.toHaveProperty('acc_norm')
  })
})
