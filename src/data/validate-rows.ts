/**
 * Checks records against a column schema and returns typed rows. The first problem is reported with the file,
 * the row (counted from 0) and the field; an empty split is an error, never a silent zero.
 */
import { rowValidator, type ColumnSchema, type RowOf } from './column-schema.ts'
import { DatasetError } from '../hub/file-errors.ts'
import type { DatasetRecord } from './read-records.ts'

function fieldName(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('')
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'bigint') return `${value} (int64)`
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a struct' : String(value)
}

function valueAt(record: unknown, path: readonly PropertyKey[]): unknown {
  let value = record
  for (const key of path) value = (value as Record<PropertyKey, unknown> | null | undefined)?.[key]
  return value
}

export function validateRows<S extends ColumnSchema>(file: string, records: readonly DatasetRecord[], schema: S): RowOf<S>[] {
  if (records.length === 0) throw new DatasetError(file, 'the split is empty (0 rows)')
  const columns = Object.keys(records[0] ?? {})
  for (const column of Object.keys(schema)) {
    if (!columns.includes(column)) {
      throw new DatasetError(file, `column is missing (the file has: ${columns.join(', ')})`, 0, column)
    }
  }
  const validator = rowValidator(schema)
  return records.map((record, row) => {
    const parsed = validator.safeParse(record)
    if (parsed.success) return parsed.data
    const issue = parsed.error.issues[0]
    const path = issue?.path ?? []
    throw new DatasetError(file, `${issue?.message ?? 'invalid'} (value: ${describeValue(valueAt(record, path))})`, row, fieldName(path))
  })
}
