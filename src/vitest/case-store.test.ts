import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { CaseRecord } from '../core/schema.ts'
import { writeFileAtomic } from '../core/atomic-file.ts'
import { canonicalHash } from '../core/canonical-hash.ts'
import { caseFilePath, matchesResumeKey, readCaseFile, writeCaseFile } from './case-store.ts'
import { testEnvironment } from '../../test-support/case-entries.ts'

const dirs: string[] = []
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-store-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const record: CaseRecord = {
  study: 's',
  model: { name: 'm', source: '/models/m', revision: null, hash: 'h1', parameters: { total: 10, embedding: 4, nonEmbedding: 6 } },
  task: { name: 't', version: '2', kind: 'multiple_choice', chance: 0.5, metrics: { acc: { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } } },
  options: { device: 'cpu', dtype: 'fp32', threads: null, limit: 5 },
  optionsHash: 'o1',
  n: 5,
  metrics: { acc: { value: 0.6, stderr: 0.2449 } },
  throughput: null,
  resources: { peakRssBytes: 1, gpuMemoryBytes: null },
  timing: { evaluateMs: 1, throughputMs: 0, caseMs: 2 },
  environment: testEnvironment,
  finishedAt: '2026-01-01T00:00:00.000Z',
}

describe('case store', () => {
  test('canonical hash ignores key order and equals sha256 of the sorted JSON', () => {
    const a = canonicalHash({ device: 'cpu', limit: null, threads: 4 })
    expect(canonicalHash({ threads: 4, limit: null, device: 'cpu' })).toBe(a)
    expect(a).toBe(createHash('sha256').update('{"device":"cpu","limit":null,"threads":4}').digest('hex'))
    expect(canonicalHash({ device: 'cpu', limit: null, threads: 2 })).not.toBe(a)
  })

  test('case files are named by study, model and task with unsafe characters replaced', () => {
    expect(caseFilePath('/r', 'my study', 'org/model:1', 'arc_easy')).toBe(join('/r', 'cases', 'my_study', 'org_model_1', 'arc_easy.json'))
  })

  test('an atomic write leaves no temporary file and replaces the old contents whole', () => {
    const dir = scratch()
    const path = join(dir, 'nested', 'x.json')
    writeFileAtomic(path, 'first')
    writeFileAtomic(path, 'second')
    expect(readFileSync(path, 'utf8')).toBe('second')
    expect(readdirSync(join(dir, 'nested'))).toEqual(['x.json'])
  })

  test('bad input: an atomic write under a path that is a file names the path, keeps the cause and leaves no temporary file', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'reports'), 'a file, not a folder')
    const path = join(dir, 'reports', 'results.json')
    const error: Error = (() => {
      try {
        writeFileAtomic(path, 'x')
      } catch (e) {
        return e as Error
      }
      return expect.fail('the write should have failed')
    })()
    expect(error.message).toMatch(new RegExp(`^cannot write ${path.replaceAll('/', '\\/')}: E(EXIST|NOTDIR)`))
    expect((error.cause as NodeJS.ErrnoException).code).toMatch(/^E(EXIST|NOTDIR)$/)
    expect(readdirSync(dir)).toEqual(['reports'])
  })

  test('a written case reads back, and is reused only for the same model hash, task version and options', () => {
    const path = join(scratch(), 'c.json')
    const noWarning = (message: string) => expect.fail(message)
    expect(readCaseFile(path, noWarning)).toBeUndefined()
    writeCaseFile(path, record, { kind: 'other', items: [{ doc: 0, correct: true }] })
    const back = readCaseFile(path, noWarning)!
    expect(back.record).toEqual(record)
    expect(back.items).toEqual([{ doc: 0, correct: true }])
    expect(back.itemKind).toBe('other')
    const key = { modelHash: 'h1', taskVersion: '2', optionsHash: 'o1' }
    expect(matchesResumeKey(back.record, key)).toBe(true)
    expect(matchesResumeKey(back.record, { ...key, modelHash: 'h2' })).toBe(false)
    expect(matchesResumeKey(back.record, { ...key, taskVersion: '3' })).toBe(false)
    expect(matchesResumeKey(back.record, { ...key, optionsHash: 'o2' })).toBe(false)
  })

  test('bad input: a stored case that does not match the schema is named, set aside and left to recompute', () => {
    const dir = scratch()
    const path = join(dir, 'bad.json')
    const text = JSON.stringify({ schemaVersion: 2, record: { ...record, n: 'five' }, itemKind: 'other', items: [] })
    writeFileSync(path, text)
    const warnings: string[] = []
    expect(readCaseFile(path, m => warnings.push(m))).toBeUndefined()
    const aside = readdirSync(dir)
    expect(aside).toEqual([expect.stringMatching(/^bad\.json\.set-aside-/)])
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(text)
    expect(warnings).toEqual([
      `lmscale: the stored case ${path} does not match the results schema (record.n: Invalid input: expected number, received string); moved it to ${join(dir, aside[0]!)} and recomputing the case`,
    ])
  })
})
