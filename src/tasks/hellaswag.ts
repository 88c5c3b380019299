/** HellaSwag (spec §1.4): lm-eval's process_docs, with Python capitalize and the bracket clean-up. */
import { choiceIndex, choicesAfterContext } from './choice-documents.ts'
import { hubChoiceTask } from './hub-task.ts'
import { capitalize, pythonInt, pythonStrip } from './python-strings.ts'
import { acc, accNorm, choiceScores } from './metric-definitions.ts'

/** lm-eval's `preprocess`: strip, " [title]" → ". ", drop `[...]` (not across lines), "  " → " " once. */
export function hellaswagPreprocess(text: string): string {
  return pythonStrip(text)
    .replaceAll(' [title]', '. ')
    .replace(/\[[^\n]*?\]/g, '')
    .replaceAll('  ', ' ')
}

export const hellaswag = hubChoiceTask({
  name: 'hellaswag',
  version: '1.0',
  dataset: {
    datasetPath: 'Rowan/hellaswag',
    datasetName: null,
    split: 'validation',
    repo: 'Rowan/hellaswag',
    // The main branch holds a loading script; the hub's own Parquet export lives on this ref.
    revision: 'refs/convert/parquet',
    path: 'default/validation/0000.parquet',
  },
  columns: {
    ind: 'int32',
    activity_label: 'string',
    ctx_a: 'string',
    ctx_b: 'string',
    ctx: 'string',
    endings: { list: 'string' },
    source_id: 'string',
    split: 'string',
    split_type: 'string',
    label: 'string',
  },
  toDocument: row => {
    const ctx = `${row.ctx_a} ${capitalize(row.ctx_b)}`
    const query = hellaswagPreprocess(`${row.activity_label}: ${ctx}`)
    const gold = choiceIndex('label', pythonInt('label', row.label), row.endings.length)
    return choicesAfterContext(query, row.endings.map(hellaswagPreprocess), gold)
  },
  chance: 1 / 4,
  metrics: { acc, acc_norm: accNorm, ...choiceScores },
})
