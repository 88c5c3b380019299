import { arcColumns, arcDocument } from './arc-document.ts'
import { hubChoiceTask } from './hub-task.ts'
import { acc, accNorm, choiceScores } from './metric-definitions.ts'

export const arcEasy = hubChoiceTask({
  name: 'arc_easy',
  version: '1.0',
  dataset: {
    datasetPath: 'allenai/ai2_arc',
    datasetName: 'ARC-Easy',
    split: 'test',
    repo: 'allenai/ai2_arc',
    revision: 'main',
    path: 'ARC-Easy/test-00000-of-00001.parquet',
  },
  columns: arcColumns,
  toDocument: arcDocument,
  chance: 1 / 4,
  metrics: { acc, acc_norm: accNorm, ...choiceScores },
})
