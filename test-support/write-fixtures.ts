/**
 * Writes the fixture datasets as Parquet at their hub paths under `dir` (`<dir>/<repo>/<path>`), the layout
 * `LMSCALE_DATA_DIR` reads. Same rows in, same bytes out.
 */
import { tasks, type HubTaskName } from '../src/tasks/registry.ts'
import { wikitext2RawLinesColumns, wikitext2RawLinesSource } from '../src/tasks/wikitext2-raw-lines.ts'
import { fixtureRows, fixtureWikitextLines } from './fixture-rows.ts'
import { localDatasetPath } from '../src/hub/resolve-file.ts'
import { writeParquetRows } from './write-parquet.ts'

/** Returns the files written, by task name (plus `wikitext2_raw_lines`). */
export async function writeFixtureDatasets(dir: string): Promise<Record<HubTaskName | 'wikitext2_raw_lines', string>> {
  const written: Partial<Record<HubTaskName | 'wikitext2_raw_lines', string>> = {}
  for (const name of Object.keys(fixtureRows) as HubTaskName[]) {
    const task = tasks[name]
    const path = localDatasetPath(dir, task.dataset)
    await writeParquetRows(path, task.columns, fixtureRows[name])
    written[name] = path
  }
  const linesPath = localDatasetPath(dir, wikitext2RawLinesSource)
  await writeParquetRows(linesPath, wikitext2RawLinesColumns, fixtureWikitextLines)
  written.wikitext2_raw_lines = linesPath
  return written as Record<HubTaskName | 'wikitext2_raw_lines', string>
}
