import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoTokenizer } from '@huggingface/transformers'
import { expect, test } from 'vitest'
import { byteLevelTokenizerJson, byteToUnicode, countPieces, trainByteLevelBpe } from './byte-level-bpe.ts'

test('GPT-2 byte map: printable bytes map to themselves, space to Ġ, and the map is one-to-one', () => {
  const table = byteToUnicode()
  expect(table[0x61]).toBe('a')
  expect(table[0x20]).toBe('Ġ')
  expect(table[0x0a]).toBe('Ċ')
  expect(new Set(table).size).toBe(256)
})

test('training merges the most frequent pair first (hand-computed on "ab ab ab abc")', () => {
  // Pieces: "ab" ×1, "Ġab" ×2, "Ġabc" ×1. Pairs: (a,b) 4, (Ġ,a) 3, (b,c) 1 → merge a+b; then (Ġ,ab) 3 → Ġ+ab; then Ġab+c.
  const bpe = trainByteLevelBpe(countPieces(['ab ab ab abc']), 262)
  expect(bpe.merges).toEqual([
    ['a', 'b'],
    ['Ġ', 'ab'],
    ['Ġab', 'c'],
  ])
  expect(bpe.vocab.get('Ġabc')).toBe(261)
})

test('transformers.js reading the written tokenizer.json encodes with the learned merges and round-trips text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lmscale-tok-'))
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(byteLevelTokenizerJson(trainByteLevelBpe(countPieces(['ab ab ab abc']), 262))))
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>' }))
  const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true })
  // <s> = 1; "ab" = 259; "Ġabc" = 261; byte "d" (0x64) = 3 + 100.
  expect(tokenizer.encode('ab abc')).toEqual([1, 259, 261])
  expect(tokenizer.encode('abd')).toEqual([1, 259, 103])
  const text = 'Naïve café — “quotes”, tabs\tand\nnewlines 😀'
  expect(tokenizer.decode(tokenizer.encode(text), { skip_special_tokens: true })).toBe(text)
})
