/** OpenBookQA (spec §1.6): the raw question stem as context; the answer key is left-stripped. */
import { choicesAfterContext, labelIndex } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { pythonLstrip } from './python-strings.ts'
import { acc, accNorm, choiceScores } from './metric-definitions.ts'

export const openbookqa = hubChoiceTask({
  name: 'openbookqa',
  version: '1.0',
  dataset: {
    datasetPath: 'allenai/openbookqa',
    datasetName: 'main',
    split: 'test',
    repo: 'allenai/openbookqa',
    revision: 'main',
    path: 'main/test-00000-of-00001.parquet',
  },
  columns: {
    id: 'string',
    question_stem: 'string',
    choices: { struct: { text: { list: 'string' }, label: { list: 'string' } } },
    answerKey: 'string',
  },
  toDocument: row => choicesAfterContext(row.question_stem, row.choices.text, labelIndex('answerKey', pythonLstrip(row.answerKey), row.choices.label)),
  chance: 1 / 4,
  metrics: { acc, acc_norm: accNorm, ...choiceScores },
})
