/** Reads a dataset file into plain records: Parquet (any codec hyparquet-compressors handles) or JSON Lines. */
import { readFile } from 'node:fs/promises'
import { parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { DatasetError } from '../hub/file-errors.ts'

export type DatasetRecord = Readonly<Record<string, unknown>>

async function readParquet(path: string): Promise<DatasetRecord[]> {
  const bytes = await readFile(path)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  try {
    return await parquetReadObjects({ file, compressors })
  } catch (error) {
    throw new DatasetError(path, `not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`, undefined, undefined, {
      cause: error,
    })
  }
}

async function readJsonLines(path: string): Promise<DatasetRecord[]> {
  const lines = (await readFile(path, 'utf8')).split('\n')
  const records: DatasetRecord[] = []
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      throw new DatasetError(path, `line ${index + 1} is not JSON (${error instanceof Error ? error.message : String(error)})`, undefined, undefined, {
        cause: error,
      })
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DatasetError(path, `line ${index + 1} is not a JSON object`)
    }
    records.push(value as DatasetRecord)
  }
  return records
}

export async function readRecords(path: string): Promise<DatasetRecord[]> {
  if (path.endsWith('.parquet')) return readParquet(path)
  if (path.endsWith('.jsonl')) return readJsonLines(path)
  throw new DatasetError(path, 'unsupported dataset format: expected a .parquet or .jsonl file')
}
