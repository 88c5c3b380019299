import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetMetadata, parquetSchema } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tasks, type HubTaskName } from './registry.ts'
import { loadWikitext2RawTestText } from './wikitext2-raw-lines.ts'
import { dataOptionsFromEnv, type DataOptions } from '../hub/hub-options.ts'
import { fixtureRows } from '../../test-support/fixture-rows.ts'
import { loadRows } from '../data/load-rows.ts'
import { localDatasetPath } from '../hub/resolve-file.ts'
import { writeFixtureDatasets } from '../../test-support/write-fixtures.ts'
import { writeParquetRows } from '../../test-support/write-parquet.ts'

let dir: string
let data: DataOptions
let written: Awaited<ReturnType<typeof writeFixtureDatasets>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lmscale-data-'))
  written = await writeFixtureDatasets(join(dir, 'fixtures'))
  data = dataOptionsFromEnv({}, { localDir: join(dir, 'fixtures'), offline: true })
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function schemaOf(path: string) {
  const bytes = await readFile(path)
  const tree = parquetSchema(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)))
  const describe = (node: (typeof tree)['children'][number]): unknown =>
    node.children.length === 0
      ? `${node.element.type}${node.element.converted_type ? `/${node.element.converted_type}` : ''}`
      : { [node.element.converted_type ?? 'group']: Object.fromEntries(node.children.map(c => [c.element.name, describe(c)])) }
  return Object.fromEntries(tree.children.map(c => [c.element.name, describe(c)]))
}

describe('fixture datasets', () => {
  test.each(Object.keys(fixtureRows) as HubTaskName[])('%s round-trips through the loader', async name => {
    const task = tasks[name]
    expect(written[name]).toBe(join(dir, 'fixtures', ...task.dataset.repo.split('/'), ...task.dataset.path.split('/')))
    const { rows } = await loadRows(task.dataset, task.columns, data)
    expect(rows).toEqual(fixtureRows[name])
  })

  test('files sit at the hub paths, with the hub column types', async () => {
    expect(written.arc_easy).toBe(join(dir, 'fixtures', 'allenai', 'ai2_arc', 'ARC-Easy', 'test-00000-of-00001.parquet'))
    expect(await schemaOf(written.arc_easy)).toEqual({
      id: 'BYTE_ARRAY/UTF8',
      question: 'BYTE_ARRAY/UTF8',
      choices: {
        group: {
          text: { LIST: { list: { group: { element: 'BYTE_ARRAY/UTF8' } } } },
          label: { LIST: { list: { group: { element: 'BYTE_ARRAY/UTF8' } } } },
        },
      },
      answerKey: 'BYTE_ARRAY/UTF8',
    })
    expect(await schemaOf(written.boolq)).toEqual({
      question: 'BYTE_ARRAY/UTF8',
      passage: 'BYTE_ARRAY/UTF8',
      idx: 'INT32',
      label: 'INT64',
    })
    const hellaswag = await schemaOf(written.hellaswag)
    expect([hellaswag.label, hellaswag.ind, hellaswag.endings]).toEqual([
      'BYTE_ARRAY/UTF8',
      'INT32',
      { LIST: { list: { group: { element: 'BYTE_ARRAY/UTF8' } } } },
    ])
  })

  test('the generator is deterministic', async () => {
    const again = await writeFixtureDatasets(join(dir, 'again'))
    for (const name of Object.keys(written) as (keyof typeof written)[]) {
      expect(await readFile(again[name])).toEqual(await readFile(written[name]))
    }
  })

  test('task documents load from the fixture files', async () => {
    const docs = await tasks.winogrande.loadDocuments(data)
    expect(docs[1]?.requests[0]).toEqual({ context: 'Sarah lent her book to Maria, so the book now belongs to Sarah', continuation: ' .' })
  })

  test('the line-level WikiText-2 test text is the rows joined by blank lines', async () => {
    expect(await loadWikitext2RawTestText(data)).toBe(
      '\n\n = Robert Boulter = \n\n\n\n\n Robert Boulter is an English film , television and theatre actor . \n',
    )
  })
})

describe('bad datasets name the file, the row and the field', () => {
  const boolqFile = tasks.boolq.dataset
  const good = fixtureRows.boolq[0]!

  async function writeBoolq(name: string, columns: Record<string, 'string' | 'int32' | 'int64'>, rows: Record<string, unknown>[]) {
    const localDir = join(dir, name)
    const path = localDatasetPath(localDir, boolqFile)
    await writeParquetRows(path, columns, rows)
    return { path, options: dataOptionsFromEnv({}, { localDir, offline: true }) }
  }

  test('a missing column', async () => {
    const { path, options } = await writeBoolq('missing', { question: 'string', passage: 'string', idx: 'int32' }, [good])
    await expect(tasks.boolq.loadDocuments(options)).rejects.toThrow(`${path}: row 0, field "label": column is missing (the file has: question, passage, idx)`)
  })

  test('a wrong type', async () => {
    const columns = { question: 'string', passage: 'string', idx: 'int32', label: 'string' } as const
    const { path, options } = await writeBoolq('wrong-type', columns, [{ ...good, label: 'True' }])
    await expect(tasks.boolq.loadDocuments(options)).rejects.toThrow(new RegExp(`^${path}: row 0, field "label": .*"True"`))
  })

  test('a null inside a list is reported with its position', async () => {
    const localDir = join(dir, 'null-choice')
    const row = { ...fixtureRows.arc_easy[0]!, choices: { text: ['a', null, 'c', 'd'], label: ['A', 'B', 'C', 'D'] } }
    await writeParquetRows(localDatasetPath(localDir, tasks.arc_easy.dataset), tasks.arc_easy.columns, [fixtureRows.arc_easy[1]!, row])
    await expect(tasks.arc_easy.loadDocuments(dataOptionsFromEnv({}, { localDir }))).rejects.toThrow(/row 1, field "choices\.text\[1\]": .*\(value: null\)/)
  })

  test('an out-of-range gold label', async () => {
    const { path, options } = await writeBoolq('gold', tasks.boolq.columns, [good, { ...good, label: 2 }])
    await expect(tasks.boolq.loadDocuments(options)).rejects.toThrow(`${path}: row 1, field "label": gold index 2 is out of range: there are 2 choices (0..1)`)
  })

  test('an answer key that is not a label', async () => {
    const localDir = join(dir, 'answer-key')
    const path = localDatasetPath(localDir, tasks.arc_challenge.dataset)
    const rows = [...fixtureRows.arc_challenge, { ...fixtureRows.arc_challenge[2]!, answerKey: 'D' }]
    await writeParquetRows(path, tasks.arc_challenge.columns, rows)
    await expect(tasks.arc_challenge.loadDocuments(dataOptionsFromEnv({}, { localDir }))).rejects.toThrow(
      `${path}: row 4, field "answerKey": "D" is not one of the labels ["A","B","C"]`,
    )
  })

  test('an empty split', async () => {
    const { path, options } = await writeBoolq('empty', tasks.boolq.columns, [])
    await expect(tasks.boolq.loadDocuments(options)).rejects.toThrow(`${path}: the split is empty (0 rows)`)
  })
})

describe('JSON Lines', () => {
  const file = { repo: 'local/piqa', revision: 'main', path: 'valid.jsonl' }

  test('rows load and validate like Parquet rows', async () => {
    const localDir = join(dir, 'jsonl')
    await mkdir(join(localDir, 'local', 'piqa'), { recursive: true })
    const lines = fixtureRows.piqa.map(row => JSON.stringify(row)).join('\n')
    await writeFile(localDatasetPath(localDir, file), `${lines}\n`)
    const { rows } = await loadRows(file, tasks.piqa.columns, dataOptionsFromEnv({}, { localDir }))
    expect(rows).toEqual(fixtureRows.piqa)
  })

  test('a broken line names the file and the line', async () => {
    const localDir = join(dir, 'jsonl-bad')
    await mkdir(join(localDir, 'local', 'piqa'), { recursive: true })
    const path = localDatasetPath(localDir, file)
    await writeFile(path, `${JSON.stringify(fixtureRows.piqa[0])}\n{"goal": \n`)
    await expect(loadRows(file, tasks.piqa.columns, dataOptionsFromEnv({}, { localDir }))).rejects.toThrow(`${path}: line 2 is not JSON`)
  })
})
