/**
 * SciQ (lm-eval `sciq`, version 1.0): the support paragraph left-stripped with Python's whitespace, then
 * "\nQuestion: {question}\nAnswer:"; choices are distractor1..3 then the correct answer, so gold is always 3.
 */
import { choicesAfterContext } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { acc, accNorm, choiceScores } from './metric-definitions.ts'
import { pythonLstrip } from './python-strings.ts'

/** doc_to_target is the constant 3: the correct answer is the last of the four choices. */
const CORRECT_ANSWER_INDEX = 3

export const sciq = hubChoiceTask({
  name: 'sciq',
  version: '1.0',
  dataset: {
    datasetPath: 'allenai/sciq',
    datasetName: null,
    split: 'test',
    repo: 'allenai/sciq',
    revision: 'main',
    path: 'data/test-00000-of-00001.parquet',
  },
  columns: {
    question: 'string',
    distractor3: 'string',
    distractor1: 'string',
    distractor2: 'string',
    correct_answer: 'string',
    support: 'string',
  },
  toDocument: row =>
    choicesAfterContext(
      `${pythonLstrip(row.support)}\nQuestion: ${row.question}\nAnswer:`,
      [row.distractor1, row.distractor2, row.distractor3, row.correct_answer],
      CORRECT_ANSWER_INDEX,
    ),
  chance: 1 / 4,
  metrics: { acc, acc_norm: accNorm, ...choiceScores },
})
