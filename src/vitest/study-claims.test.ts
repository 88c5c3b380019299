import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { StudyClaims, studyFileConflicts } from './study-claims.ts'

const dir = mkdtempSync(join(tmpdir(), 'lmscale-claims-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('study claims', () => {
  test('bad input: names that share a case-file folder ("my study" and "my_study") are refused naming both files', () => {
    const claims = join(dir, 'run-1')
    const a = new StudyClaims(claims, '/project')
    const b = new StudyClaims(claims, '/project') // another worker of the same run
    a.collecting('/project/benchmarks/a.bench.ts')
    a.claim('my study')
    b.collecting('/project/benchmarks/b.bench.ts')
    expect(() => b.claim('my_study')).toThrow(
      'lmscale: studies "my study" and "my_study" (the same case-file folder) are defined in both benchmarks/a.bench.ts and benchmarks/b.bench.ts',
    )
    b.claim('other')
    // The same file collected again (watch mode) keeps its claim.
    a.collecting('/project/benchmarks/a.bench.ts')
    a.claim('my study')
  })

  test('bad input: studies of one name from several files of merged shards are reported per folder', () => {
    const cases = [
      { study: 'x', file: 'benchmarks/a.bench.ts' },
      { study: 'x', file: 'benchmarks/a.bench.ts' },
      { study: 'x', file: 'benchmarks/b.bench.ts' },
      { study: 'y', file: 'benchmarks/c.bench.ts' },
    ]
    expect(studyFileConflicts(cases)).toEqual([
      'lmscale: study "x" in benchmarks/a.bench.ts and study "x" in benchmarks/b.bench.ts share one case-file folder and baseline; give each study its own name',
    ])
  })
})
