import { describe, expect, test } from 'vitest'
import { bosPolicyOf, encodeDocument, encodePair, encodePairs, moveTrailingWhitespace, type PairEncodingOptions, type TokenEncoder } from './encode.ts'

// A tiny greedy longest-match tokenizer. "<s>" in the text is the BOS token; addSpecialTokens prepends BOS.
const VOCAB = ['<pad>', '<s>', '</s>', 'c', 'a', 't', 's', ' ', 'r', 'e', 'cat', 'cats', ' are', ' yes', ' no', 'Answer:', 'y', 'n', 'o', 'A', '\n']
const BOS = 1
const EOS = 2

const greedyTokenizer: TokenEncoder = {
  encode(text, { addSpecialTokens }) {
    const ids: number[] = addSpecialTokens ? [BOS] : []
    for (let i = 0; i < text.length; ) {
      let best = -1
      VOCAB.forEach((piece, id) => {
        if (id !== 0 && text.startsWith(piece, i) && (best < 0 || piece.length > VOCAB[best]!.length)) best = id
      })
      if (best < 0) throw new Error(`test vocabulary has no piece for ${JSON.stringify(text[i])}`)
      ids.push(best)
      i += VOCAB[best]!.length
    }
    return ids
  },
}

/** Expected ids written as vocabulary pieces, looked up independently of the tokenizer. */
const ids = (...pieces: string[]): number[] => pieces.map(piece => VOCAB.indexOf(piece))

const none: PairEncodingOptions = { bos: 'none', prefixTokenId: BOS }
const withBos: PairEncodingOptions = { bos: 'tokenizer', prefixTokenId: BOS, bosText: '<s>' }

describe('encodePair', () => {
  test('a token straddling the join belongs to the continuation, which comes out shorter than encoded alone', () => {
    expect(encodePair({ context: 'cat', continuation: 's are' }, greedyTokenizer, none, 0)).toEqual({
      context: ids('cat'),
      continuation: ids(' are'),
    })
    expect(greedyTokenizer.encode('s are', { addSpecialTokens: false })).toEqual(ids('s', ' are'))
  })

  test('a continuation swallowed by the join is a clear error naming the request (lm-eval #1297)', () => {
    expect(() => encodePair({ context: 'cat', continuation: 's' }, greedyTokenizer, none, 7)).toThrow(
      /loglikelihood request 7: the continuation "s" after the context "cat" tokenizes to nothing.*#1297/,
    )
    expect(() =>
      encodePairs(
        [
          { context: 'cat', continuation: ' are' },
          { context: 'cat', continuation: 's' },
        ],
        greedyTokenizer,
        none,
      ),
    ).toThrow(/request 1:/)
  })

  test("the context's trailing whitespace moves to the continuation", () => {
    expect(encodePair({ context: 'Answer: ', continuation: 'yes' }, greedyTokenizer, none, 0)).toEqual({
      context: ids('Answer:'),
      continuation: ids(' yes'),
    })
    // encoded separately the split would have been different
    expect(greedyTokenizer.encode('Answer: ', { addSpecialTokens: false })).toEqual(ids('Answer:', ' '))
  })

  test("BOS policy 'none' (lm-eval ≤ 0.4.9.1) adds nothing; 'tokenizer' (≥ 0.4.9.2) lets the tokenizer add BOS", () => {
    const request = { context: 'Answer:', continuation: ' yes' }
    expect(encodePair(request, greedyTokenizer, none, 0)).toEqual({ context: ids('Answer:'), continuation: ids(' yes') })
    expect(encodePair(request, greedyTokenizer, withBos, 0)).toEqual({ context: [BOS, ...ids('Answer:')], continuation: ids(' yes') })
  })

  test("'tokenizer' skips BOS for a string that already starts with the BOS text", () => {
    const request = { context: '<s>Answer:', continuation: ' no' }
    expect(encodePair(request, greedyTokenizer, withBos, 0)).toEqual({ context: [BOS, ...ids('Answer:')], continuation: ids(' no') })
    // without the BOS text the rule cannot apply and BOS is doubled
    expect(encodePair(request, greedyTokenizer, { bos: 'tokenizer', prefixTokenId: BOS }, 0).context).toEqual([BOS, BOS, ...ids('Answer:')])
  })

  test('an empty context becomes the prefix token; a leading prefix token in the continuation is not doubled', () => {
    expect(encodePair({ context: '', continuation: 'cats' }, greedyTokenizer, withBos, 0)).toEqual({ context: [BOS], continuation: ids('cats') })
    expect(encodePair({ context: '', continuation: 'cats' }, greedyTokenizer, { bos: 'none', prefixTokenId: EOS }, 0)).toEqual({
      context: [EOS],
      continuation: ids('cats'),
    })
    expect(encodePair({ context: '', continuation: '<s>cats' }, greedyTokenizer, none, 0)).toEqual({ context: [BOS], continuation: ids('cats') })
    expect(() => encodePair({ context: '', continuation: '' }, greedyTokenizer, none, 3)).toThrow(/request 3: .*tokenizes to nothing/)
  })

  test('a whitespace-only context that encodes to nothing is conditioned on the prefix token', () => {
    expect(encodePair({ context: ' ', continuation: 'are' }, greedyTokenizer, none, 0)).toEqual({ context: [BOS], continuation: ids(' are') })
    expect(encodePair({ context: ' ', continuation: 'are' }, greedyTokenizer, withBos, 0)).toEqual({ context: [BOS], continuation: ids(' are') })
  })
})

describe('moveTrailingWhitespace', () => {
  test("uses Python's whitespace set, not JavaScript's", () => {
    expect(moveTrailingWhitespace('a \t\n', 'b')).toEqual({ context: 'a', continuation: ' \t\nb' })
    expect(moveTrailingWhitespace('a\x85', 'b')).toEqual({ context: 'a', continuation: '\x85b' }) // Python: space; JS \s: not
    expect(moveTrailingWhitespace('a\x1f', 'b')).toEqual({ context: 'a', continuation: '\x1fb' })
    expect(moveTrailingWhitespace('a\u3000', 'b')).toEqual({ context: 'a', continuation: '\u3000b' })
    expect(moveTrailingWhitespace('a\ufeff', 'b')).toEqual({ context: 'a\ufeff', continuation: 'b' }) // JS \s: space; Python: not
    expect(moveTrailingWhitespace(' a', 'b')).toEqual({ context: ' a', continuation: 'b' })
  })
})

describe('encodeDocument', () => {
  test("'none' (lm-eval ≤ 0.4.9.1, or 0.4.13 with add_bos_token=False): no special tokens; the rolling windows supply the prefix", () => {
    expect(encodeDocument('cats are', greedyTokenizer, 0, none)).toEqual(ids('cats', ' are'))
  })

  test("'tokenizer' (lm-eval 0.4.13's default): the tokenizer's BOS starts the document, so the first window scores P(BOS | BOS)", () => {
    expect(encodeDocument('cats are', greedyTokenizer, 0, withBos)).toEqual([BOS, ...ids('cats', ' are')])
    // a document that already starts with the BOS text gets no second BOS
    expect(encodeDocument('<s>cats', greedyTokenizer, 0, withBos)).toEqual([BOS, ...ids('cats')])
  })

  test('each lm-eval version has its BOS rule', () => {
    expect(bosPolicyOf('0.4.13')).toBe('tokenizer')
    expect(bosPolicyOf('0.4.9')).toBe('none')
  })

  test('an empty document is a clear error naming it', () => {
    expect(() => encodeDocument('', greedyTokenizer, 3, none)).toThrow(/document 3 is empty/)
  })
})
