/**
 * Text to token ids for lm-eval's two request kinds (lm-eval-spec.md §2.1, §2.2, §2.4).
 *
 * BOS policy, as lm-eval's tok_encode applies it to contexts and rolling documents alike. 'none' reproduces lm-eval
 * 0.4.0–0.4.9.1 (no special tokens) and 0.4.13 with add_bos_token=False. 'tokenizer' reproduces lm-eval 0.4.13's
 * default (the tokenizer's own default, so a Llama tokenizer prepends BOS, except to a string that already starts
 * with the BOS text). Each lm-eval version has its rule (bosPolicyOf); 0.4.13 is the default: it is what a current
 * lm-eval install does and how Llama-family models such as MobileLLM were trained (documents start with BOS).
 */
import type { BosPolicy, LmEvalVersion } from '../core/executor.ts'
import type { LoglikelihoodRequest } from './scorer.ts'

/** The tokenizer as the model side provides it. */
export interface TokenEncoder {
  encode(text: string, options: { addSpecialTokens: boolean }): readonly number[]
}

export const DEFAULT_LM_EVAL: LmEvalVersion = '0.4.13'

/** The BOS rule of an lm-eval version with its default settings. */
export function bosPolicyOf(version: LmEvalVersion): BosPolicy {
  return version === '0.4.9' ? 'none' : 'tokenizer'
}

export interface PairEncodingOptions {
  readonly bos: BosPolicy
  /** lm-eval's prefix_token_id (BOS if the tokenizer has one, else EOS): the whole context of an empty one. */
  readonly prefixTokenId: number
  /** The BOS token's text, e.g. "<s>"; under 'tokenizer', a string that starts with it gets no second BOS. */
  readonly bosText?: string
}

export interface EncodedPair {
  readonly context: readonly number[]
  readonly continuation: readonly number[]
}

// Python's str.isspace set (what lm-eval's rstrip() removes): JS \s without U+FEFF, plus U+001C–U+001F and U+0085.
const TRAILING_PYTHON_WHITESPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/

/** lm-eval moves a context's trailing whitespace to the start of the continuation. */
export function moveTrailingWhitespace(context: string, continuation: string): { context: string; continuation: string } {
  const trailing = TRAILING_PYTHON_WHITESPACE.exec(context)?.[0] ?? ''
  return { context: context.slice(0, context.length - trailing.length), continuation: trailing + continuation }
}

/**
 * lm-eval's `_encode_pair` for causal models: encode context + continuation as one string and cut it at the
 * context's own token count, so a token spanning the join counts toward the continuation. An empty context
 * becomes [prefix token] (the continuation encoded alone, without special tokens, a leading prefix token
 * not doubled). A context of only whitespace that encodes to no tokens is treated the same way, where lm-eval
 * would score from an empty context. `index` names the request in errors.
 */
export function encodePair(request: LoglikelihoodRequest, tokenizer: TokenEncoder, options: PairEncodingOptions, index: number): EncodedPair {
  const encoded = request.context === '' ? encodeAfterPrefix(request.continuation, tokenizer, options) : encodeJoined(request, tokenizer, options)
  if (encoded.continuation.length === 0) {
    throw new Error(
      `loglikelihood request ${index}: the continuation ${JSON.stringify(request.continuation)} after the context ` +
        `${JSON.stringify(tail(request.context))} tokenizes to nothing: encoded together with the context, its text ` +
        "merged into the context's last token (lm-eval issue #1297). Change where the context ends or what the continuation starts with.",
    )
  }
  return encoded
}

export function encodePairs(requests: readonly LoglikelihoodRequest[], tokenizer: TokenEncoder, options: PairEncodingOptions): EncodedPair[] {
  return requests.map((request, index) => encodePair(request, tokenizer, options, index))
}

/**
 * A document for rolling log-likelihood, encoded as lm-eval's tok_encode does under the BOS policy. The windows put
 * the prefix token before it, so under 'tokenizer' a BOS-adding tokenizer's document starts [BOS, …] and its first
 * window scores P(BOS | BOS), exactly as lm-eval 0.4.13 does by default; 'none' gives the clean form of 0.4.3–0.4.9.1.
 */
export function encodeDocument(text: string, tokenizer: TokenEncoder, index: number, options: Pick<PairEncodingOptions, 'bos' | 'bosText'>): number[] {
  const tokens = text === '' ? [] : [...tokenizer.encode(text, { addSpecialTokens: options.bos === 'tokenizer' && !startsWithBos(text, options) })]
  if (tokens.length === 0) {
    throw new Error(`document ${index} is empty (${JSON.stringify(tail(text))} gives no tokens): a rolling log-likelihood needs at least one token`)
  }
  return tokens
}

function encodeJoined(request: LoglikelihoodRequest, tokenizer: TokenEncoder, options: PairEncodingOptions): EncodedPair {
  const { context, continuation } = moveTrailingWhitespace(request.context, request.continuation)
  const encode = (text: string): readonly number[] => tokenizer.encode(text, { addSpecialTokens: options.bos === 'tokenizer' && !startsWithBos(text, options) })
  const whole = encode(context + continuation)
  const contextTokens = encode(context)
  if (contextTokens.length === 0) return { context: [options.prefixTokenId], continuation: [...whole] }
  return { context: [...contextTokens], continuation: whole.slice(contextTokens.length) }
}

function encodeAfterPrefix(continuation: string, tokenizer: TokenEncoder, options: PairEncodingOptions): EncodedPair {
  const tokens = tokenizer.encode(continuation, { addSpecialTokens: false })
  const skip = tokens[0] === options.prefixTokenId ? 1 : 0
  return { context: [options.prefixTokenId], continuation: tokens.slice(skip) }
}

function startsWithBos(text: string, options: Pick<PairEncodingOptions, 'bosText'>): boolean {
  return options.bosText !== undefined && options.bosText !== '' && text.startsWith(options.bosText)
}

function tail(text: string): string {
  return text.length <= 60 ? text : `…${text.slice(-60)}`
}
