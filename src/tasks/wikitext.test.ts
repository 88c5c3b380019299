import { describe, expect, test } from 'vitest'
import { fixtureRows } from '../../test-support/fixture-rows.ts'
import { wikitext, wikitextDocument, wikitextWordCount } from './wikitext.ts'
import { joinWikitextLines } from './wikitext2-raw-lines.ts'
import { wikitextDetokenize } from './wikitext-detokenizer.ts'

describe('wikitext detokenizer, rule by rule', () => {
  test.each([
    ["the writers ' room", "the writers' room"],
    ["a/' 5/b", "a/'[0-9]/b"],
    // Without the slashes the digit rule does not fire.
    ["a ' 5", "a ' 5"],
    ['guest @-@ star', 'guest-star'],
    ['1 @,@ 200', '1,200'],
    ['2 @.@ 5', '2.5'],
    ['a : b ; c . d ! e ? f , g', 'a: b; c. d! e? f, g'],
    ['( so far )', '(so far)'],
    ['[ citation ]', '[citation]'],
    ['{ sic }', '{sic}'],
    ['" a lot "', '"a lot"'],
    ["' quoted '", "'quoted'"],
    ['= = = = Deep = = = =', '==== Deep ===='],
    ['= = = Sub = = =', '=== Sub ==='],
    ['= = Section = =', '== Section =='],
    ['40 ° C', '40°C'],
    ['end \nnext', 'end\nnext'],
    ['end\n next', 'end\nnext'],
    ['was N dollars', 'was 1 dollars'],
    ["storm 's", "storm's"],
  ])('%j → %j', (input, output) => {
    expect(wikitextDetokenize(input)).toBe(output)
  })

  test('brackets only lose the spaces just inside them, across newlines too', () => {
    expect(wikitextDetokenize('( \n a b \n )')).toBe('(a b)')
  })
})

describe('wikitext documents', () => {
  test('a whole page, detokenized', () => {
    const [boulter, storm] = fixtureRows.wikitext.map(row => wikitext.toDocument(row).text)
    expect(boulter).toBe(
      ' = Robert Boulter =\n\nRobert Boulter is an English film, television and theatre actor. He had a guest-starring role in 2000, the first of 1,200 episodes (so far).\n\n== Career ==\n\nHe was paid 2.5 million; was it "a lot"? Yes!\n',
    )
    expect(storm).toBe(
      " = Tropical Storm =\n\nThe storm's winds peaked at 40°C. It was the writers' favourite [citation] and {sic} 'quoted'.\n\n=== Impact ===\n\nDamage was 1 dollars: small.\n",
    )
  })

  test('words and bytes come from the original page; edge whitespace adds an empty word at each end', () => {
    expect(wikitextDocument(' Hello   wörld \n')).toEqual({ text: ' Hello   wörld\n', words: 4, bytes: 17 })
    expect(wikitextWordCount('a b')).toBe(2)
    expect(fixtureRows.wikitext.map(row => wikitext.toDocument(row).words)).toEqual([62, 47])
  })

  test('the line-level source joins rows with a blank line', () => {
    expect(joinWikitextLines(['', ' = A = \n', '', ' b . \n'])).toBe('\n\n = A = \n\n\n\n\n b . \n')
  })

  test('version 2.0, all three corpus metrics', () => {
    expect([wikitext.version, Object.keys(wikitext.metrics)]).toEqual(['2.0', ['word_perplexity', 'byte_perplexity', 'bits_per_byte']])
  })
})
