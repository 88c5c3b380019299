/**
 * WinoGrande (spec §1.5), partial scoring: each option replaces the first "_" inside the context, and only
 * " " + the stripped rest of the sentence is scored.
 */
import { FieldError } from '../hub/file-errors.ts'
import { contextsBeforeTarget } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { pythonStrip } from './python-strings.ts'
import { acc, choiceScores } from './metric-definitions.ts'

const ANSWER_INDEX: Readonly<Record<string, number>> = { '1': 0, '2': 1 }

export const winogrande = hubChoiceTask({
  name: 'winogrande',
  version: '1.0',
  dataset: {
    datasetPath: 'allenai/winogrande',
    datasetName: 'winogrande_xl',
    split: 'validation',
    repo: 'allenai/winogrande',
    revision: 'main',
    path: 'winogrande_xl/validation-00000-of-00001.parquet',
  },
  columns: { sentence: 'string', option1: 'string', option2: 'string', answer: 'string' },
  toDocument: row => {
    const blank = row.sentence.indexOf('_')
    if (blank < 0) throw new FieldError('sentence', 'has no "_" to fill')
    const gold = ANSWER_INDEX[row.answer]
    if (gold === undefined) throw new FieldError('answer', `${JSON.stringify(row.answer)} is not "1" or "2"`)
    const prefix = row.sentence.slice(0, blank)
    const suffix = pythonStrip(row.sentence.slice(blank + 1))
    return contextsBeforeTarget([prefix + row.option1, prefix + row.option2], suffix, gold)
  },
  chance: 1 / 2,
  metrics: { acc, ...choiceScores },
})
