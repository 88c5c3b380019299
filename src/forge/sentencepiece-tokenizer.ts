/**
 * A Llama-style SentencePiece BPE tokenizer.json (the format Hugging Face's LlamaConverter writes for Meta's
 * Llama and MobileLLM tokenizers): ids 0–2 are <unk>, <s>, </s>, then the 256 byte-fallback tokens <0x00>…<0xFF>,
 * then the pieces in score order, single characters last. Pieces come from word counts of training text by a
 * simple deterministic rule (below); encoding is always done by transformers.js reading the written file.
 */
import { addedSpecialTokens, prependBosProcessor } from './byte-level-bpe.ts'

/** SentencePiece's word-boundary mark: a space becomes "▁" and every text gets one in front. */
export const WORD_MARK = '\u2581'

export const LLAMA_SPECIAL_TOKENS = { unk: '<unk>', bos: '<s>', eos: '</s>' } as const

export interface SentencePieceVocabulary {
  /** Token string → id, in id order. */
  readonly vocab: ReadonlyMap<string, number>
  /** `left right` merges, highest priority first. */
  readonly merges: readonly (readonly [string, string])[]
}

/** The longest piece the rule below considers, in characters (word mark included). */
const MAX_PIECE_LENGTH = 16

const byteToken = (byte: number) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`

/**
 * Pieces for `vocabSize` tokens: every substring (2 to 16 characters) of every "▁word" seen at least twice, counted
 * with the word's frequency, most frequent first (ties: shorter, then code-unit order). A substring occurs at least as often as
 * its own prefix-less-one, and is longer, so the chosen set always holds the left half of each piece's last split:
 * every piece can be built by merges. The training texts' characters follow as single-character pieces.
 */
export function sentencePieceVocabulary(texts: Iterable<string>, vocabSize: number): SentencePieceVocabulary {
  const wordCounts = new Map<string, number>()
  const charCounts = new Map<string, number>()
  for (const text of texts) {
    for (const word of text.split(' ')) {
      if (word === '') continue
      const marked = WORD_MARK + word
      wordCounts.set(marked, (wordCounts.get(marked) ?? 0) + 1)
      for (const ch of marked) charCounts.set(ch, (charCounts.get(ch) ?? 0) + 1)
    }
  }
  const byCountThenShorter = (a: [string, number], b: [string, number]) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  const chars = [...charCounts].sort(byCountThenShorter).map(([ch]) => ch)
  const base = [LLAMA_SPECIAL_TOKENS.unk, LLAMA_SPECIAL_TOKENS.bos, LLAMA_SPECIAL_TOKENS.eos, ...Array.from({ length: 256 }, (_, b) => byteToken(b))]
  const room = vocabSize - base.length - chars.length
  if (room < 0) {
    throw new Error(`vocabSize ${vocabSize} is below the ${base.length} special and byte tokens plus the ${chars.length} characters of the training text`)
  }

  const substringCounts = new Map<string, number>()
  for (const [word, count] of wordCounts) {
    // Words seen once add little but cost most of the counting time; their characters are still covered.
    if (count < 2) continue
    // Character boundaries as code-unit offsets, so astral characters are never split.
    const bounds = [0]
    for (const ch of word) bounds.push(bounds.at(-1)! + ch.length)
    for (let start = 0; start < bounds.length - 1; start++) {
      for (let end = start + 2; end < Math.min(bounds.length, start + MAX_PIECE_LENGTH + 1); end++) {
        const piece = word.slice(bounds[start], bounds[end])
        substringCounts.set(piece, (substringCounts.get(piece) ?? 0) + count)
      }
    }
  }
  const ranked = [...substringCounts].sort(byCountThenShorter)
  if (ranked.length < room) {
    throw new Error(`the training text yields only ${ranked.length} multi-character pieces; vocabSize ${vocabSize} needs ${room}`)
  }
  const pieces = ranked.slice(0, room).map(([piece]) => piece)
  const tokens = [...base, ...pieces, ...chars]
  const vocab = new Map(tokens.map((token, id) => [token, id]))
  return { vocab, merges: mergesFromPieces(pieces, vocab) }
}

/**
 * The merges a BPE model needs to rebuild SentencePiece pieces: every split left + right of a piece whose halves
 * are both in the vocabulary, ordered by the merged piece's score (its rank), then by the left half's length.
 */
export function mergesFromPieces(pieces: readonly string[], vocab: ReadonlyMap<string, number>): [string, string][] {
  const merges: [string, string][] = []
  for (const piece of pieces) {
    const symbols = [...piece]
    for (let cut = 1; cut < symbols.length; cut++) {
      const left = symbols.slice(0, cut).join('')
      const right = symbols.slice(cut).join('')
      if (vocab.has(left) && vocab.has(right)) merges.push([left, right])
    }
  }
  return merges
}

/** tokenizer.json for Meta's Llama tokenizer scheme: byte fallback, dummy "▁" prefix, no whitespace collapsing, <s> first. */
export function sentencePieceTokenizerJson(vocabulary: SentencePieceVocabulary): object {
  const idOf = (token: string) => {
    const id = vocabulary.vocab.get(token)
    if (id === undefined) throw new Error(`the vocabulary has no ${token}`)
    return id
  }
  const bos = LLAMA_SPECIAL_TOKENS.bos
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedSpecialTokens(Object.values(LLAMA_SPECIAL_TOKENS), idOf),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: WORD_MARK },
        { type: 'Replace', pattern: { String: ' ' }, content: WORD_MARK },
      ],
    },
    pre_tokenizer: null,
    post_processor: prependBosProcessor(bos, idOf(bos)),
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: WORD_MARK }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: LLAMA_SPECIAL_TOKENS.unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: Object.fromEntries(vocabulary.vocab),
      merges: vocabulary.merges.map(([left, right]) => `${left} ${right}`),
    },
  }
}

/**
 * MobileLLM's tokenizer_config.json as its hub repositories ship it: a Llama tokenizer whose bos, eos and unk
 * tokens are empty strings (spec §4). Loaders must be told the real tokens (`specialTokens` in LanguageModel).
 */
export function mobileLlmTokenizerConfig(modelMaxLength: number): Record<string, unknown> {
  return {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: '',
    eos_token: '',
    unk_token: '',
    model_max_length: modelMaxLength,
    tokenizer_class: 'LlamaTokenizer',
    clean_up_tokenization_spaces: false,
  }
}
