/**
 * Writes rows as Parquet in the layout pyarrow (and so the hub) uses: nullable columns, 3-level lists
 * (`<name>` LIST → repeated `list` → `element`), structs as groups, int64 for HF ClassLabel columns.
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { SchemaElement } from 'hyparquet'
import { parquetWriteFile } from 'hyparquet-writer'
import type { ColumnSchema, ColumnType } from '../src/data/column-schema.ts'

function schemaElements(name: string, type: ColumnType): SchemaElement[] {
  if (type === 'string') return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }]
  if (type === 'int32') return [{ name, type: 'INT32', repetition_type: 'OPTIONAL' }]
  if (type === 'int64') return [{ name, type: 'INT64', repetition_type: 'OPTIONAL' }]
  if ('list' in type) {
    return [
      { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ...schemaElements('element', type.list),
    ]
  }
  const fields = Object.entries(type.struct)
  return [{ name, repetition_type: 'OPTIONAL', num_children: fields.length }, ...fields.flatMap(([k, v]) => schemaElements(k, v))]
}

/** Converts a JS value to what the writer expects for the column type (int64 needs bigint). */
function toParquetValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (type === 'int64') return typeof value === 'number' ? BigInt(value) : value
  if (typeof type === 'string') return value
  if ('list' in type) return (value as unknown[]).map(v => toParquetValue(type.list, v))
  const record = value as Record<string, unknown>
  return Object.fromEntries(Object.entries(type.struct).map(([k, t]) => [k, toParquetValue(t, record[k])]))
}

export async function writeParquetRows(path: string, schema: ColumnSchema, rows: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
  const columns = Object.entries(schema)
  await mkdir(dirname(path), { recursive: true })
  parquetWriteFile({
    filename: path,
    schema: [{ name: 'schema', num_children: columns.length }, ...columns.flatMap(([name, type]) => schemaElements(name, type))],
    columnData: columns.map(([name, type]) => ({ name, data: rows.map(row => toParquetValue(type, row[name])) })),
  })
}
