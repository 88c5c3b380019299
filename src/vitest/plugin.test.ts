import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import { mergeConfig } from 'vitest/config'
import { resolveLmscaleOptions, updateFromVitest } from './options.ts'
import { lmscale, siblingModule } from './plugin.ts'
import { LmscaleReporter } from './reporter.ts'

interface TestConfig {
  runner?: string
  setupFiles?: string[]
  reporters?: unknown[]
  provide?: Record<string, unknown>
  benchmark?: { include?: string[]; reporters?: unknown[] }
}

function applyPlugin(user: { test?: TestConfig }, options = {}): TestConfig {
  const hook = lmscale(options).config as (config: object, env: object) => object
  // Vite merges what the hook returns into the user's config exactly like this.
  return (mergeConfig(user, hook(user, { command: 'serve', mode: 'test' })) as { test: TestConfig }).test
}

const here = fileURLToPath(new URL('.', import.meta.url))

describe('lmscale() plugin', () => {
  test('wires runner, matchers, reporters for both modes and the benchmark globs', () => {
    const test = applyPlugin({})
    expect(test.runner).toBe(join(here, 'runner.ts'))
    expect(test.setupFiles).toEqual([join(here, 'matchers.ts')])
    expect(test.reporters?.[0]).toBe('default')
    expect(test.reporters?.[1]).toBeInstanceOf(LmscaleReporter)
    expect(test.benchmark?.reporters?.[0]).toBe('default')
    expect(test.benchmark?.reporters?.[1]).toBe(test.reporters?.[1])
    expect(test.benchmark?.include).toEqual(['benchmarks/**/*.bench.ts'])
    expect(test.provide?.lmscale).toEqual(resolveLmscaleOptions({}, {}))
  })

  test("keeps the user's reporters, setup files and benchmark globs", () => {
    const test = applyPlugin({
      test: { reporters: ['verbose', 'junit'], setupFiles: ['./my-setup.ts'], benchmark: { include: ['perf/**/*.bench.ts'], reporters: ['verbose'] } },
    })
    expect(test.reporters?.slice(0, 2)).toEqual(['verbose', 'junit'])
    expect(test.reporters).toHaveLength(3)
    expect(test.setupFiles).toEqual(['./my-setup.ts', join(here, 'matchers.ts')])
    expect(test.benchmark?.include).toEqual(['perf/**/*.bench.ts'])
    expect(test.benchmark?.reporters?.[0]).toBe('verbose')
    expect(test.benchmark?.reporters).toHaveLength(2)
  })

  test('refuses a config that already has a runner', () => {
    expect(() => applyPlugin({ test: { runner: './mine.ts' } })).toThrow(/test\.runner is already set/)
  })

  test('bad input: a wrong plugin option value (device, threads, a misspelled key) is a clear error naming the option', () => {
    expect(() => lmscale({ device: 'gpu' as 'cpu' })).toThrow(/invalid plugin options\n {2}device: /)
    expect(() => lmscale({ threads: 0 })).toThrow(/threads: .*>\s*0|threads: .*positive|threads: .*>=?\s*1/)
    expect(() => lmscale({ reportDir: 'x' } as object)).toThrow(/Unrecognized key.*"reportDir"/)
  })

  test('resume comes from the option or LMSCALE_RESUME=1; update from the option, else from Vitest', () => {
    expect(resolveLmscaleOptions({}, {}).resume).toBe(false)
    expect(resolveLmscaleOptions({}, { LMSCALE_RESUME: '1' }).resume).toBe(true)
    expect(resolveLmscaleOptions({ resume: false }, { LMSCALE_RESUME: '1' }).resume).toBe(false)
    expect(resolveLmscaleOptions({}, {}).update).toBe(null)
    expect(resolveLmscaleOptions({ update: true }, {}).update).toBe(true)
    expect(resolveLmscaleOptions({ reportsDir: 'out', threads: 3 }, {}).reportsDir).toBe('out')
    // The throughput gate: off unless asked for, by option or environment; the option wins.
    expect(resolveLmscaleOptions({}, {}).baseline.gateThroughput).toBe(false)
    expect(resolveLmscaleOptions({}, { LMSCALE_GATE_THROUGHPUT: '1' }).baseline.gateThroughput).toBe(true)
    expect(resolveLmscaleOptions({ baseline: { gateThroughput: false } }, { LMSCALE_GATE_THROUGHPUT: '1' }).baseline.gateThroughput).toBe(false)
  })

  test("Vitest's resolved update: -u, --update=true and every kind but none update; a swallowed file filter is refused", () => {
    // What Vitest's CLI parser makes of: -u, --update=true, --update=all, --update=new, --update=none, no flag.
    expect([true, 'true', 'all', 'new', 'none', false, undefined].map(updateFromVitest)).toEqual([true, true, true, true, false, false, false])
    expect(() => updateFromVitest('benchmarks/x.bench.ts')).toThrow(
      'lmscale: invalid command line\n  -u benchmarks/x.bench.ts: Vitest reads the word after -u as the kind of update, so "benchmarks/x.bench.ts" is not used as a file filter',
    )
  })

  test('finds compiled .js siblings when there is no .ts (a built package in node_modules)', () => {
    const dist = mkdtempSync(join(tmpdir(), 'lmscale-dist-'))
    try {
      writeFileSync(join(dist, 'runner.js'), '')
      const base = pathToFileURL(join(dist, 'plugin.js')).href
      expect(siblingModule('runner', base)).toBe(join(dist, 'runner.js'))
      expect(() => siblingModule('matchers', base)).toThrow(/cannot find matchers\.ts or matchers\.js/)
    } finally {
      rmSync(dist, { recursive: true, force: true })
    }
  })
})
