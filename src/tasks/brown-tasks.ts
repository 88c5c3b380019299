/**
 * Fixture multiple-choice tasks built in code from the Brown corpus's held-out files (never seen by the
 * forged fixture models), in lm-eval's request shapes, so the default study has downstream tasks whose
 * accuracy rises with model quality:
 * - brown_next_word (4 choices, like ARC): a sentence's opening; its true next word against three words
 *   from later in the same sentence.
 * - brown_word_order (4 choices): a sentence's opening; its true ending against three copies of it, each with
 *   two neighbouring words swapped.
 */
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { seededRandom } from '../core/random.ts'
import { choicesAfterContext } from './choice-documents.ts'
import { acc, accNorm, choiceScores } from './metric-definitions.ts'
import type { ChoiceDocument, MultipleChoiceTask } from './task-types.ts'

type ChoiceScoreName = keyof typeof choiceScores

const DOCUMENTS_PER_TASK = 1200
const SEED = 1961 // the Brown corpus's year

/** Held-out sentences of 12–40 words, in corpus order (quotes dropped: they make the join ambiguous). */
function heldOutSentences(): string[][] {
  return loadBrownCorpus()
    .heldOut.flatMap(document => documentText(document).split(/(?<=[.?!])\s+/))
    .filter(sentence => !sentence.includes('"'))
    .map(sentence => sentence.split(' '))
    .filter(words => words.length >= 12 && words.length <= 40)
}

function shuffledChoices(correct: string, distractors: readonly string[], random: () => number): { choices: string[]; gold: number } {
  const gold = Math.floor(random() * (distractors.length + 1))
  const choices = [...distractors]
  choices.splice(gold, 0, correct)
  return { choices, gold }
}

/** Every held-out sentence is used once, in order, so the documents never change between runs. */
function nextWordDocuments(): ChoiceDocument[] {
  const random = seededRandom(SEED).uniform
  const documents: ChoiceDocument[] = []
  for (const words of heldOutSentences()) {
    if (documents.length === DOCUMENTS_PER_TASK) break
    const cut = Math.floor(words.length / 2)
    const correct = words[cut]!
    // Distractors from later in the same sentence: the same topic and register, the wrong place.
    const others = [...new Set(words.slice(cut + 2))].filter(word => word !== correct && !/[.?!]$/.test(word))
    if (others.length < 3) continue
    const picked = [0, 1, 2].map(() => others.splice(Math.floor(random() * others.length), 1)[0]!)
    const { choices, gold } = shuffledChoices(correct, picked, random)
    documents.push(choicesAfterContext(words.slice(0, cut).join(' '), choices, gold))
  }
  return documents
}

function wordOrderDocuments(): ChoiceDocument[] {
  const random = seededRandom(SEED + 1).uniform
  const documents: ChoiceDocument[] = []
  for (const words of heldOutSentences()) {
    if (documents.length === DOCUMENTS_PER_TASK) break
    const cut = Math.floor(words.length / 2)
    const ending = words.slice(cut)
    const swaps = new Set<string>()
    for (let attempt = 0; attempt < 20 && swaps.size < 3; attempt++) {
      const at = 1 + Math.floor(random() * (ending.length - 2))
      if (ending[at] === ending[at + 1]) continue
      const swapped = [...ending]
      ;[swapped[at], swapped[at + 1]] = [swapped[at + 1]!, swapped[at]!]
      swaps.add(swapped.join(' '))
    }
    if (swaps.size < 3) continue
    const { choices, gold } = shuffledChoices(ending.join(' '), [...swaps], random)
    documents.push(choicesAfterContext(words.slice(0, cut).join(' '), choices, gold))
  }
  return documents
}

export const brownNextWord: MultipleChoiceTask<'brown_next_word', 'acc' | 'acc_norm' | ChoiceScoreName> = {
  kind: 'multiple_choice',
  name: 'brown_next_word',
  version: '1.0',
  chance: 1 / 4,
  metrics: { acc, acc_norm: accNorm, ...choiceScores },
  loadDocuments: async () => nextWordDocuments(),
}

export const brownWordOrder: MultipleChoiceTask<'brown_word_order', 'acc' | ChoiceScoreName> = {
  kind: 'multiple_choice',
  name: 'brown_word_order',
  version: '1.0',
  chance: 1 / 4,
  metrics: { acc, ...choiceScores },
  loadDocuments: async () => wordOrderDocuments(),
}
