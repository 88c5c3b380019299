import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { dataOptionsFromEnv } from '../hub/hub-options.ts'
import { snapshotPath } from '../hub/hub-cache.ts'
import { loadRows } from './load-rows.ts'

const cacheDir = mkdtempSync(join(tmpdir(), 'lmscale-load-rows-'))
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

test('bad input: an unreadable cached dataset names the cached file to delete and the URL it came from', async () => {
  const file = { repo: 'owner/data', revision: 'c'.repeat(40), path: 'test.parquet' }
  const cached = snapshotPath(cacheDir, file, file.revision)
  mkdirSync(join(cached, '..'), { recursive: true })
  writeFileSync(cached, 'PAR1 but then not parquet at all')
  const options = dataOptionsFromEnv({ HF_HUB_CACHE: cacheDir, HF_ENDPOINT: 'http://hub.example', HF_HUB_OFFLINE: '1' })
  const error: Error = await loadRows(file, { question: 'string' } as never, options).then(
    () => expect.fail('the rows should not load'),
    (e: unknown) => e as Error,
  )
  expect(error.message).toMatch(
    new RegExp(
      `^owner/data@c{40}:test\\.parquet: the cached copy ${cached.replaceAll('/', '\\/')} is unreadable \\(not a readable Parquet file \\(.+\\)\\); ` +
        `delete it and run again to download it anew from http://hub\\.example/datasets/owner/data/resolve/c{40}/test\\.parquet$`,
    ),
  )
  expect(error.cause).toBeInstanceOf(Error)
})
