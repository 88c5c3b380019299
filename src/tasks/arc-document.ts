/** ARC's columns and prompt, shared by arc_easy and arc_challenge (spec §1.1). */
import type { ColumnSchema, RowOf } from '../data/column-schema.ts'
import { FieldError } from '../hub/file-errors.ts'
import { choicesAfterContext, labelIndex } from './choice-documents.ts'
import type { ChoiceDocument } from './task-types.ts'

export const arcColumns = {
  id: 'string',
  question: 'string',
  choices: { struct: { text: { list: 'string' }, label: { list: 'string' } } },
  answerKey: 'string',
} as const satisfies ColumnSchema

/** Labels are "A".."E" or "1".."5"; 3, 4 or 5 choices. */
export function arcDocument(row: RowOf<typeof arcColumns>): ChoiceDocument {
  const { text, label } = row.choices
  if (text.length !== label.length) {
    throw new FieldError('choices.label', `has ${label.length} labels for ${text.length} choice texts`)
  }
  return choicesAfterContext(`Question: ${row.question}\nAnswer:`, text, labelIndex('answerKey', row.answerKey, label))
}
