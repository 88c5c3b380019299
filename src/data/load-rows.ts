/** One dataset file, found (local dir, cache or hub), read and validated against its column schema. */
import type { ColumnSchema, RowOf } from './column-schema.ts'
import type { DataOptions } from '../hub/hub-options.ts'
import { describeFile, hubFileUrl, type HubDatasetFile } from '../hub/hub-file.ts'
import { DatasetError } from '../hub/file-errors.ts'
import { isAbsolute, relative, resolve } from 'node:path'
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
  const records = await readRecords(path).catch((error: unknown) => {
    // Downloads are checked before caching, but a cache can still rot (a disk error, an older lmscale, a hand edit).
    if (!(error instanceof DatasetError) || !isInside(options.cacheDir, path)) throw error
    throw new DatasetError(
      describeFile(file),
      `the cached copy ${path} is unreadable (${error.problem}); delete it and run again to download it anew from ${hubFileUrl(options.endpoint, file)}`,
      undefined,
      undefined,
      { cause: error },
    )
  })
  return { path, rows: validateRows(path, records, schema) }
}

function isInside(dir: string, path: string): boolean {
  const within = relative(resolve(dir), resolve(path))
  return within !== '' && !within.startsWith('..') && !isAbsolute(within)
}
