/**
 * The offline cross-family study (`npm run study:families`) end to end: the repository's own config and study file
 * run by `vitest bench --run` in a scratch project. Each model records its declared family, and report.md and the
 * plot carry the cross-family fit of the recorded bits per byte.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { resultsSchema, type ResultsDocument } from '../core/schema.ts'
import { defaultFixturesDir, FIXTURE_MODELS, GPT_NEOX_FIXTURE_MODELS } from '../forge/fixture-family.ts'
import { describeCrossFamily, fitCrossFamily } from '../scaling/cross-family.ts'
import { runVitest, type VitestOutcome } from '../../test-support/run-vitest.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
let project: string
let run: VitestOutcome
let results: ResultsDocument

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'lmscale-families-'))
  mkdirSync(join(project, 'studies'))
  symlinkSync(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir')
  writeFileSync(join(project, 'package.json'), '{ "name": "scratch-families", "private": true, "type": "module" }\n')
  writeFileSync(join(project, 'vitest.config.ts'), `export { default } from '${join(repoRoot, 'vitest.families.config.ts')}'\n`)
  writeFileSync(join(project, 'studies', 'families.bench.ts'), `import '${join(repoRoot, 'studies', 'families.bench.ts')}'\n`)
  // The fixtures this test run already forged (globalSetup), so the child does not forge them again.
  run = await runVitest(project, ['bench', '--run'], { LMSCALE_FIXTURES_DIR: defaultFixturesDir() })
  results = resultsSchema.parse(JSON.parse(readFileSync(join(project, 'reports', 'families', 'results.json'), 'utf8')))
}, 600_000)
afterAll(() => rmSync(project, { recursive: true, force: true }))

test('both fixture families run, every case passes and records its declared family', () => {
  expect(run.code, run.output).toBe(0)
  const declared = new Map([...FIXTURE_MODELS, ...GPT_NEOX_FIXTURE_MODELS].map(m => [m.name, m.family]))
  expect(new Set(results.cases.map(c => c.record!.model.family))).toEqual(new Set(['brown-bigram', 'brown-neox']))
  for (const c of results.cases) {
    expect(c.state).toBe('passed')
    expect(c.record!.model.family).toBe(declared.get(c.model))
    expect(c.record!.throughput).toBeNull()
  }
})

test('report.md states the cross-family fit of the recorded bits per byte, and the plot has every model', () => {
  const points = results.cases.map(c => ({
    model: c.model,
    family: c.record!.model.family!,
    params: c.record!.model.parameters.total,
    bitsPerByte: c.record!.metrics.bits_per_byte!.value,
  }))
  const report = readFileSync(join(project, 'reports', 'families', 'report.md'), 'utf8')
  expect(report).toContain('### Across families (bits per byte)')
  for (const line of describeCrossFamily(fitCrossFamily(points))) expect(report).toContain(line)
  const svg = readFileSync(join(project, 'reports', 'families', 'plots', 'cross-family-families.svg'), 'utf8')
  for (const p of points) expect(svg).toContain(`${p.model} (${p.family}) bits_per_byte = ${p.bitsPerByte.toPrecision(6)}`)
  // The default study's reports directory is untouched.
  expect(existsSync(join(project, 'reports', 'results.json'))).toBe(false)
})
