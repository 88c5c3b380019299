/**
 * A byte-level BPE vocabulary (the GPT-2 family's scheme) trained from word counts, and its tokenizer.json.
 * No tokenizer library in this project's dependencies trains BPE, so the small trainer lives here; encoding
 * is always done by transformers.js reading the tokenizer.json written below (one tokenization path).
 */

/** GPT-2's pre-tokenizer pattern, which tokenizer.json's ByteLevel pre-tokenizer applies with use_regex. */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu

export const SPECIAL_TOKENS = { unk: '<unk>', bos: '<s>', eos: '</s>' } as const

export interface ByteLevelBpe {
  /** Token string → id; ids 0–2 are <unk>, <s>, </s>; then the 256 byte symbols; then merges in order. */
  readonly vocab: ReadonlyMap<string, number>
  readonly merges: readonly (readonly [string, string])[]
}

/** GPT-2's reversible map from bytes to printable characters (space becomes "Ġ"). */
export function byteToUnicode(): string[] {
  const printable: number[] = []
  for (let b = 33; b <= 126; b++) printable.push(b)
  for (let b = 161; b <= 172; b++) printable.push(b)
  for (let b = 174; b <= 255; b++) printable.push(b)
  const table = new Array<string>(256)
  let extra = 0
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++)
  }
  return table
}

/** Counts pre-tokenized pieces of the training texts, as byte-level symbol strings. */
export function countPieces(texts: Iterable<string>): Map<string, number> {
  const bytesToChars = byteToUnicode()
  const encoder = new TextEncoder()
  const counts = new Map<string, number>()
  for (const text of texts) {
    for (const match of text.matchAll(GPT2_PATTERN)) {
      const piece = Array.from(encoder.encode(match[0]), b => bytesToChars[b]).join('')
      counts.set(piece, (counts.get(piece) ?? 0) + 1)
    }
  }
  return counts
}

/**
 * Learns merges until the vocabulary holds `vocabSize` tokens. The most frequent adjacent pair wins;
 * ties go to the pair whose symbols come first in the vocabulary, so training is deterministic.
 */
export function trainByteLevelBpe(pieceCounts: ReadonlyMap<string, number>, vocabSize: number): ByteLevelBpe {
  const symbols: string[] = [SPECIAL_TOKENS.unk, SPECIAL_TOKENS.bos, SPECIAL_TOKENS.eos, ...byteToUnicode()]
  if (vocabSize < symbols.length) throw new Error(`vocabSize ${vocabSize} is below the ${symbols.length} base symbols`)
  const idOf = new Map(symbols.map((s, i) => [s, i]))
  const words = [...pieceCounts].map(([piece, count]) => ({ ids: Array.from(piece, ch => idOf.get(ch)!), count }))

  const pairKey = (a: number, b: number) => a * vocabSize + b
  const pairCounts = new Map<number, number>()
  const pairWords = new Map<number, Set<number>>()
  const account = (wordIndex: number, sign: 1 | -1) => {
    const { ids, count } = words[wordIndex]!
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = pairKey(ids[i]!, ids[i + 1]!)
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count)
      if (sign > 0) {
        let set = pairWords.get(key)
        if (!set) pairWords.set(key, (set = new Set()))
        set.add(wordIndex)
      }
    }
  }
  words.forEach((_, i) => account(i, 1))

  const merges: [string, string][] = []
  while (symbols.length < vocabSize) {
    let best = -1
    let bestCount = 0
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && key < best)) [best, bestCount] = [key, count]
    }
    if (bestCount <= 0) break
    const [left, right] = [Math.floor(best / vocabSize), best % vocabSize]
    const merged = symbols.length
    symbols.push(symbols[left]! + symbols[right]!)
    merges.push([symbols[left]!, symbols[right]!])
    for (const wordIndex of pairWords.get(best) ?? []) {
      account(wordIndex, -1)
      const ids = words[wordIndex]!.ids
      const next: number[] = []
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === left && ids[i + 1] === right) {
          next.push(merged)
          i++
        } else next.push(ids[i]!)
      }
      words[wordIndex]!.ids = next
      account(wordIndex, 1)
    }
    pairCounts.delete(best)
    pairWords.delete(best)
  }
  return { vocab: new Map(symbols.map((s, i) => [s, i])), merges }
}

/** tokenizer.json's added_tokens entries for special tokens (never split, never normalised). */
export function addedSpecialTokens(tokens: readonly string[], idOf: (token: string) => number): object[] {
  return tokens.map(content => ({ id: idOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
}

/** tokenizer.json's post-processor that prepends BOS, as Llama's does (transformers.js adds BOS only this way). */
export function prependBosProcessor(bos: string, bosId: number): object {
  return {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [
      { SpecialToken: { id: bos, type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: bos, type_id: 1 } },
      { Sequence: { id: 'B', type_id: 1 } },
    ],
    special_tokens: { [bos]: { id: bos, ids: [bosId], tokens: [bos] } },
  }
}

/**
 * tokenizer.json (Hugging Face tokenizers format) for a byte-level BPE that prepends <s> like Llama's, or
 * (prependBos false) adds no special token, like GPT-NeoX's.
 */
export function byteLevelTokenizerJson(bpe: ByteLevelBpe, { prependBos = true } = {}): object {
  const special = addedSpecialTokens(Object.values(SPECIAL_TOKENS), content => bpe.vocab.get(content)!)
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }
  const bos = SPECIAL_TOKENS.bos
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: prependBos ? prependBosProcessor(bos, bpe.vocab.get(bos)!) : null,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab),
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  }
}
