/**
 * lm-eval's wikitext_detokenizer (spec §1.7), step by step in its order. Every step replaces all occurrences;
 * the `\s` of the bracket rules is Python's whitespace class.
 */
import { PYTHON_WHITESPACE } from './python-strings.ts'

const WS = `[${PYTHON_WHITESPACE}]*`

/** Drop the spaces just inside a pair of `open`/`close` (both given regex-escaped). */
function innerSpaces(open: string, close: string): RegExp {
  return new RegExp(`${open}${WS}([^${close}]*?)${WS}${close}`, 'g')
}

const STEPS: readonly (readonly [string | RegExp, string])[] = [
  ["s '", "s'"],
  // lm-eval's pattern is the literal text /' <digit>/, replaced by the literal /'[0-9]/.
  [/\/' [0-9]\//g, "/'[0-9]/"],
  [' @-@ ', '-'],
  [' @,@ ', ','],
  [' @.@ ', '.'],
  [' : ', ': '],
  [' ; ', '; '],
  [' . ', '. '],
  [' ! ', '! '],
  [' ? ', '? '],
  [' , ', ', '],
  [innerSpaces('\\(', '\\)'), '($1)'],
  [innerSpaces('\\[', '\\]'), '[$1]'],
  [innerSpaces('\\{', '\\}'), '{$1}'],
  [innerSpaces('"', '"'), '"$1"'],
  [innerSpaces("'", "'"), "'$1'"],
  ['= = = =', '===='],
  ['= = =', '==='],
  ['= =', '=='],
  [' \u00b0 ', '\u00b0'],
  [' \n', '\n'],
  ['\n ', '\n'],
  [' N ', ' 1 '],
  [" 's", "'s"],
]

export function wikitextDetokenize(text: string): string {
  return STEPS.reduce((s, [from, to]) => (typeof from === 'string' ? s.replaceAll(from, to) : s.replace(from, to)), text)
}
