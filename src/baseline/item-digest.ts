/**
 * A case's per-item records in compact form: correctness bits for the paired accuracy test and a digest
 * of every per-item number for exact comparison. Recognises the shapes src/eval produces; any other
 * executor's items still get the digest.
 */
import type { ItemDigest } from '../report/schema.ts'
import { canonicalHash } from '../vitest/case-store.ts'
import type { JsonValue } from '../vitest/executor.ts'
import { encodeBits } from './bitset.ts'

type Item = { readonly [key: string]: JsonValue }

const isObject = (value: JsonValue): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value)
const isNumber = (value: JsonValue | undefined): value is number => typeof value === 'number'
const isBit = (value: JsonValue | undefined): value is 0 | 1 => value === 0 || value === 1

/** Multiple-choice items {gold, ll[], acc, acc_norm?}. */
function isChoiceItem(item: Item): boolean {
  return isNumber(item.gold) && Array.isArray(item.ll) && isBit(item.acc) && (item.acc_norm === undefined || isBit(item.acc_norm))
}

/** Rolling log-likelihood items {ll, words, bytes, tokens}. */
function isRollingItem(item: Item): boolean {
  return isNumber(item.ll) && isNumber(item.words) && isNumber(item.bytes) && isNumber(item.tokens)
}

/** Token-perplexity items {tokens, nll, bytes}. */
function isTokenPerplexityItem(item: Item): boolean {
  return isNumber(item.tokens) && isNumber(item.nll) && isNumber(item.bytes)
}

export function digestItems(items: readonly JsonValue[]): ItemDigest {
  const sha256 = canonicalHash(items)
  const records = items.every(isObject) ? (items as readonly Item[]) : undefined
  if (records?.length && records.every(isChoiceItem)) {
    const correct: Record<string, string> = { acc: encodeBits(records.map(item => item.acc === 1)) }
    if (records.every(item => item.acc_norm !== undefined)) correct.acc_norm = encodeBits(records.map(item => item.acc_norm === 1))
    return { kind: 'choice', n: records.length, correct, sha256 }
  }
  const kind = records?.length && records.every(isRollingItem) ? 'rolling' : records?.length && records.every(isTokenPerplexityItem) ? 'token_perplexity' : 'other'
  return { kind, n: items.length, correct: {}, sha256 }
}
