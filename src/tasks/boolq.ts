/** BoolQ (spec §1.2): a literal "?" after the lower-case question; continuations " no" / " yes". */
import { choiceIndex, choicesAfterContext } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { acc, choiceScores } from './metric-definitions.ts'

export const boolq = hubChoiceTask({
  name: 'boolq',
  version: '2.0',
  dataset: {
    datasetPath: 'aps/super_glue',
    datasetName: 'boolq',
    split: 'validation',
    repo: 'aps/super_glue',
    revision: 'main',
    path: 'boolq/validation-00000-of-00001.parquet',
  },
  columns: { question: 'string', passage: 'string', idx: 'int32', label: 'int64' },
  toDocument: row => choicesAfterContext(`${row.passage}\nQuestion: ${row.question}?\nAnswer:`, ['no', 'yes'], choiceIndex('label', row.label, 2)),
  clusterKey: 'passage',
  chance: 1 / 2,
  metrics: { acc, ...choiceScores },
})
