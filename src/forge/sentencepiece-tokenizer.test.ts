import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import {
  mergesFromPieces,
  mobileLlmTokenizerConfig,
  sentencePieceTokenizerJson,
  sentencePieceVocabulary,
  WORD_MARK,
  type SentencePieceVocabulary,
} from './sentencepiece-tokenizer.ts'

let dir: string
let vocabulary: SentencePieceVocabulary
let tokenizer: PreTrainedTokenizer
const BYTE_BASE = 3 // <0x00> follows <unk>, <s>, </s>

beforeAll(async () => {
  vocabulary = sentencePieceVocabulary(loadBrownCorpus().train.map(documentText), 32_000)
  dir = await mkdtemp(join(tmpdir(), 'lmscale-sp-'))
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(sentencePieceTokenizerJson(vocabulary)))
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(mobileLlmTokenizerConfig(2048)))
  tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true })
}, 60_000)
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('Llama-style SentencePiece vocabulary', () => {
  test('Llama id layout: <unk>=0, <s>=1, </s>=2, <0x00>…<0xFF> at 3…258, exactly the requested size', () => {
    const id = (token: string) => vocabulary.vocab.get(token)
    expect([id('<unk>'), id('<s>'), id('</s>')]).toEqual([0, 1, 2])
    expect(id('<0x00>')).toBe(3)
    expect(id('<0x0A>')).toBe(13) // Llama's newline byte token is id 13
    expect(id('<0xFF>')).toBe(258)
    expect(vocabulary.vocab.size).toBe(32_000)
    expect(new Set(vocabulary.vocab.values()).size).toBe(32_000)
  })

  test('the most frequent English word with its word mark is an early piece', () => {
    // "the" is the most frequent word of the Brown corpus; "▁the" must rank among the first few hundred pieces.
    expect(vocabulary.vocab.get(`${WORD_MARK}the`)).toBeLessThan(259 + 300)
  })

  test('merges: every split whose halves are both pieces, hand-checked on a three-piece vocabulary', () => {
    const vocab = new Map(['a', 'b', 'c', 'ab', 'bc', 'abc'].map((t, i) => [t, i]))
    expect(mergesFromPieces(['ab', 'bc', 'abc'], vocab)).toEqual([
      ['a', 'b'],
      ['b', 'c'],
      ['a', 'bc'],
      ['ab', 'c'],
    ])
  })

  test('a vocabulary too small for the base tokens is refused with the numbers', () => {
    expect(() => sentencePieceVocabulary(['hello world'], 100)).toThrow('vocabSize 100 is below the 259 special and byte tokens')
  })
})

describe('tokenizer.json read by transformers.js', () => {
  test('BOS (id 1) is prepended, then the word pieces with the dummy prefix', () => {
    expect(tokenizer.encode('the')).toEqual([1, vocabulary.vocab.get(`${WORD_MARK}the`)])
    expect(tokenizer.encode('the', { add_special_tokens: false })).toEqual([vocabulary.vocab.get(`${WORD_MARK}the`)])
  })

  test('characters outside the vocabulary fall back to their UTF-8 bytes, and decoding fuses them back', () => {
    // "東" is U+6771, UTF-8 E6 9D B1; "🙂" is U+1F642, UTF-8 F0 9F 99 82: neither occurs in the Brown corpus.
    const ids = tokenizer.encode('東🙂', { add_special_tokens: false })
    expect(ids).toEqual([vocabulary.vocab.get(WORD_MARK), ...[0xe6, 0x9d, 0xb1, 0xf0, 0x9f, 0x99, 0x82].map(b => BYTE_BASE + b)])
    expect(tokenizer.decode(ids)).toBe('東🙂')
  })

  test('encode/decode round-trips text, repeated spaces included (Meta Llama does not collapse whitespace)', () => {
    for (const text of ['The jury said it did.', 'naïve café — 東京 🙂', '  two  spaces ', 'tab\tand\nnewline']) {
      const ids = tokenizer.encode(text)
      expect(ids[0]).toBe(1)
      expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe(text)
    }
    const spaces = tokenizer.encode('a  b', { add_special_tokens: false })
    expect(spaces.filter(id => id === vocabulary.vocab.get(WORD_MARK)).length).toBe(1)
  })

  test("MobileLLM's empty special tokens: transformers.js knows no bos/eos/unk token, yet still prepends <s>", () => {
    const raw = tokenizer as unknown as Record<string, unknown>
    expect(raw.bos_token).toBeNull()
    expect(raw.bos_token_id).toBeUndefined()
    expect(raw.eos_token_id).toBeUndefined()
    expect(raw.unk_token_id).toBeUndefined()
    // The BOS comes from the post-processor in tokenizer.json, not from tokenizer_config.json.
    expect(tokenizer.encode('x')[0]).toBe(1)
  })
})
