/** Social IQa (spec §1.8): MobileLLM reports it; lm-eval's prompt, acc only, label "1".."3". */
import { choiceIndex, choicesAfterContext } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { pythonInt } from './python-strings.ts'
import { acc, choiceScores } from './metric-definitions.ts'

export const siqa = hubChoiceTask({
  name: 'siqa',
  version: '0.0',
  dataset: {
    datasetPath: 'lighteval/siqa',
    datasetName: null,
    split: 'validation',
    repo: 'lighteval/siqa',
    revision: 'refs/convert/parquet',
    path: 'default/validation/0000.parquet',
  },
  columns: {
    context: 'string',
    question: 'string',
    answerA: 'string',
    answerB: 'string',
    answerC: 'string',
    label: 'string',
  },
  toDocument: row =>
    choicesAfterContext(
      `Q: ${row.context} ${row.question}\nA:`,
      [row.answerA, row.answerB, row.answerC],
      choiceIndex('label', pythonInt('label', row.label) - 1, 3),
    ),
  clusterKey: 'context',
  chance: 1 / 3,
  metrics: { acc, ...choiceScores },
})
