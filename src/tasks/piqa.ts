/** PIQA (spec §1.3), from the Parquet mirror lm-eval uses since v0.4.9. */
import { choiceIndex, choicesAfterContext } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { acc, accNorm, choiceScores } from './metric-definitions.ts'

export const piqa = hubChoiceTask({
  name: 'piqa',
  version: '1.0',
  dataset: {
    datasetPath: 'baber/piqa',
    datasetName: null,
    split: 'validation',
    repo: 'baber/piqa',
    revision: 'main',
    path: 'piqa_validation.parquet',
  },
  columns: { goal: 'string', sol1: 'string', sol2: 'string', label: 'int64' },
  toDocument: row => choicesAfterContext(`Question: ${row.goal}\nAnswer:`, [row.sol1, row.sol2], choiceIndex('label', row.label, 2)),
  chance: 1 / 2,
  metrics: { acc, acc_norm: accNorm, ...choiceScores },
})
