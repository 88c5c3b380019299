import { describe, expect, test } from 'vitest'
import { readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { packRepository, repositoryRoot } from '../../test-support/package/pack.ts'

describe('npm pack --dry-run', () => {
  test('lists only the built files, README.md, LICENSE and package.json', async () => {
    const { files } = await packRepository()
    expect(files.filter(path => !path.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json'])
    expect(files.filter(path => !/\.(js|d\.ts)$/.test(path) && path.startsWith('dist/'))).toEqual([])
    // Tests, test helpers and scratch code stay out of dist too: no test file, nothing of test-support/.
    expect(files.filter(path => /\.test(-d)?\.|\.scratch\.|(^|\/)(package|test-support)\//.test(path))).toEqual([])
    // Of src/perf only what the harness's per-phase throughput imports ships; the benchmark's own table does not.
    expect(files.filter(path => path.startsWith('dist/perf/report-table.'))).toEqual([])
    const helpers = readdirSync(join(repositoryRoot, 'test-support'), { recursive: true, encoding: 'utf8' }).map(helper =>
      basename(helper).replace(/\.ts$/, ''),
    )
    expect(helpers).toContain('hub-stand-in')
    expect(files.filter(path => helpers.includes(basename(path).replace(/\.(js|d\.ts)$/, '')))).toEqual([])
    // The two entry points and the files the plugin hands to Vitest.
    for (const path of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/vitest/plugin.js',
      'dist/vitest/plugin.d.ts',
      'dist/vitest/runner.js',
      'dist/vitest/matchers.js',
      'dist/vitest/matcher-types.d.ts',
    ]) {
      expect(files).toContain(path)
    }
  }, 60_000)
})
