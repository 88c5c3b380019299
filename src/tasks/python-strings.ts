/**
 * The few Python string operations lm-eval's task code relies on, with Python's exact semantics
 * (JS's `trim`, `\s` and case functions differ in small but real ways).
 */
import { FieldError } from '../hub/file-errors.ts'

/**
 * Python's whitespace (`str.isspace`, `re`'s `\s` on str): JS `\s` minus U+FEFF, plus U+001C–U+001F and U+0085.
 */
export const PYTHON_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'

const LEADING = new RegExp(`^[${PYTHON_WHITESPACE}]+`)
const TRAILING = new RegExp(`[${PYTHON_WHITESPACE}]+$`)

export function pythonStrip(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '')
}

export function pythonLstrip(text: string): string {
  return text.replace(LEADING, '')
}

// Characters whose titlecase differs from their uppercase (Latin digraphs); Python 3.8+ capitalize titlecases.
const TITLECASE: Readonly<Record<string, string>> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
}

/** Python `str.capitalize`: the first character titlecased and the rest lower-cased. */
export function capitalize(text: string): string {
  const [first, ...rest] = text
  if (first === undefined) return ''
  return (TITLECASE[first] ?? first.toUpperCase()) + rest.join('').toLowerCase()
}

/** Python `int(text)` for a decimal string (surrounding whitespace allowed), or a FieldError naming the field. */
export function pythonInt(field: string, text: string): number {
  const stripped = pythonStrip(text)
  if (!/^[+-]?\d+$/.test(stripped)) throw new FieldError(field, `${JSON.stringify(text)} is not an integer`)
  return Number(stripped)
}
