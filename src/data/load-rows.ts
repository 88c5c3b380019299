/** One dataset file, found (local dir, cache or hub), read and validated against its column schema. */
import type { ColumnSchema, RowOf } from './column-schema.ts'
import type { DataOptions } from '../hub/hub-options.ts'
import type { HubDatasetFile } from '../hub/hub-file.ts'
import { readRecords } from './read-records.ts'
import { resolveDatasetFile } from '../hub/resolve-file.ts'
import { validateRows } from './validate-rows.ts'

export interface LoadedRows<S extends ColumnSchema> {
  /** The local path the rows came from, for messages. */
  readonly path: string
  readonly rows: RowOf<S>[]
}

export async function loadRows<S extends ColumnSchema>(file: HubDatasetFile, schema: S, options: DataOptions): Promise<LoadedRows<S>> {
  const path = await resolveDatasetFile(file, options)
  return { path, rows: validateRows(path, await readRecords(path), schema) }
}
