/** One content hash for JSON values: the same value always gives the same hash, whatever its key order. */
import { createHash } from 'node:crypto'
import type { JsonValue } from './executor.ts'

/** sha256 of JSON with sorted keys, so the same options always give the same hash. */
export function canonicalHash(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map(key => `${JSON.stringify(key)}:${canonicalJson((value as { readonly [k: string]: JsonValue })[key]!)}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}
