/**
 * lmscale as other repositories use it: `npm pack`, then in a new project outside this repository the tarball
 * and one Vitest major from the registry, the README's vitest.config.ts and study, `npx vitest bench --run`.
 * Once with Vitest 4.1 on this machine's Node (20) and once with Vitest 5 on Node 24 (npm's node@24 package
 * first on PATH). Both legs must fail exactly the one deliberately failing band, write their reports, match the
 * closed-form perplexities of the fixtures they forged, and agree with each other to the last bit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { closedFormHeldOutPerplexity } from '../../test-support/closed-form-perplexity.ts'
import { packRepository, repositoryRoot, type PackResult } from '../../test-support/package/pack.ts'
import type { CommandResult } from '../../test-support/package/run-command.ts'
import { createScratchProject, installDevDependencies, runStudy, typecheck, type ScratchProject } from '../../test-support/package/scratch-project.ts'
import { resultsSchema, type ResultsDocument } from '../../src/core/schema.ts'

const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
  version: string
  devDependencies: { vitest: string }
  exports: Record<string, { types: string; default: string }>
}

interface Leg {
  readonly label: string
  /** What `npm i -D` adds beside the tarball. */
  readonly packages: readonly string[]
  readonly node: RegExp
  readonly vitest: RegExp
}

const legs: readonly Leg[] = [
  { label: 'vitest-4.1', packages: [`vitest@${manifest.devDependencies.vitest}`], node: /^v20\./, vitest: /^4\.1\./ },
  { label: 'vitest-5', packages: ['vitest@5.1.1', 'node@24'], node: /^v24\./, vitest: /^5\./ },
]

/** The study in tests/package/project: two fixtures, one task, a band brown-bigram-xs fails on purpose. */
const FAILING = 'brown-bigram-xs › brown_heldout_ppl'
const PASSING = 'brown-bigram-s › brown_heldout_ppl'

interface LegRun {
  readonly project: ScratchProject
  readonly install: CommandResult
  readonly study: CommandResult
  readonly types: CommandResult
}

let packed: PackResult
const runs = new Map<string, LegRun>()
const tarballDir = mkdtempSync(join(tmpdir(), 'lmscale-tarball-'))

beforeAll(async () => {
  packed = await packRepository(tarballDir)
  const projects = legs.map(leg => createScratchProject(leg.label))
  // Installing mostly waits on the registry and the disk: both legs at once. The studies run one after the
  // other, each with the machine to itself.
  const installs = await Promise.all(legs.map((leg, i) => installDevDependencies(projects[i]!, [packed.tarball!, ...leg.packages])))
  for (const [i, leg] of legs.entries()) {
    const project = projects[i]!
    const study = await runStudy(project)
    const types = await typecheck(project)
    runs.set(leg.label, { project, install: installs[i]!, study, types })
    console.log(
      `${leg.label}: npm pack ${packed.seconds.toFixed(1)} s (shared), npm i ${installs[i]!.seconds.toFixed(1)} s (parallel with the other leg), ` +
        `vitest bench ${study.seconds.toFixed(1)} s, tsc ${types.seconds.toFixed(1)} s — ${project.dir}`,
    )
  }
})

afterAll(() => {
  if (process.env.LMSCALE_PACKAGE_TEST_KEEP === '1') return
  rmSync(tarballDir, { recursive: true, force: true })
  for (const run of runs.values()) rmSync(run.project.dir, { recursive: true, force: true })
})

function legRun(leg: Leg): LegRun {
  const run = runs.get(leg.label)
  if (!run) throw new Error(`${leg.label} did not run`)
  return run
}

function results(leg: Leg): ResultsDocument {
  return resultsSchema.parse(JSON.parse(readFileSync(join(legRun(leg).project.dir, 'reports', 'results.json'), 'utf8')))
}

/** Each <testcase> of the JUnit file: its name and its failure message, if any. */
function junitCases(leg: Leg): { name: string; failure: string | undefined }[] {
  const xml = readFileSync(join(legRun(leg).project.dir, 'reports', 'junit.xml'), 'utf8')
  return xml
    .split('<testcase ')
    .slice(1)
    .map(chunk => ({
      name: /(?<!\w)name="([^"]*)"/.exec(chunk)?.[1] ?? '',
      failure: /<failure message="([^"]*)"/.exec(chunk.slice(0, chunk.indexOf('</testcase>')))?.[1],
    }))
}

test('the tarball holds every file the exports map names', () => {
  for (const [entry, targets] of Object.entries(manifest.exports)) {
    for (const target of [targets.types, targets.default]) expect(packed.files, `exports['${entry}']`).toContain(target.replace(/^\.\//, ''))
  }
})

describe.each(legs)('$label', leg => {
  test('npx vitest bench --run fails the run on the deliberately failing band, and only there', () => {
    const { study } = legRun(leg)
    expect(study.exitCode, study.stdout + study.stderr).toBe(1)
    expect(study.stdout + study.stderr).toContain(`${FAILING} perplexity: expected`)
    expect(study.stdout + study.stderr).not.toContain(`${PASSING} perplexity: expected`)
  })

  test('ran on the intended Node and Vitest, from the installed package', () => {
    const document = results(leg)
    expect(document.vitest.version).toMatch(leg.vitest)
    // Vitest 5 reports config.mode 'test' under `vitest bench`: the record says what ran.
    expect(document.vitest.mode).toBe('benchmark')
    for (const entry of document.cases) {
      expect(entry.record?.environment.node).toMatch(leg.node)
      expect(entry.record?.environment.vitest).toMatch(leg.vitest)
      expect(entry.record?.environment.lmscale).toBe(manifest.version)
    }
  })

  test('index.html: written beside the other reports, self-contained (libraries and data inline, nothing fetched)', () => {
    const html = readFileSync(join(legRun(leg).project.dir, 'reports', 'index.html'), 'utf8')
    expect(html).toContain('vegaEmbed(')
    expect(html).toContain(PASSING.split(' › ')[0])
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
  })

  test('junit.xml: both cases, the failing band named with its value', () => {
    const cases = junitCases(leg)
    expect(cases.map(c => c.name).sort()).toEqual([PASSING, FAILING].sort())
    expect(cases.find(c => c.name === PASSING)?.failure).toBeUndefined()
    expect(cases.find(c => c.name === FAILING)?.failure).toMatch(/^brown-bigram-xs › brown_heldout_ppl: perplexity = 157\.5\d*, outside band ≤ 140$/)
  })

  test('results.json: the band checks, and perplexities equal to the closed form of the forged fixtures', async () => {
    const document = results(leg)
    expect(document.cases.map(c => [c.name, c.state]).sort()).toEqual(
      [
        [PASSING, 'passed'],
        [FAILING, 'failed'],
      ].sort(),
    )
    for (const entry of document.cases) {
      const perplexity = entry.record!.metrics.perplexity!.value
      const expected = await closedFormHeldOutPerplexity(join(legRun(leg).project.dir, 'fixtures', '.cache', 'models', entry.model), entry.model)
      expect(entry.record!.n).toBe(expected.scored)
      expect(Math.abs(perplexity - expected.perplexity) / expected.perplexity).toBeLessThan(1e-5)
      expect(entry.bands).toEqual([{ metric: 'perplexity', band: { max: 140 }, value: perplexity, pass: expected.perplexity <= 140 }])
    }
  })

  test('the built declarations type the config and the study, and reject an unknown task, a wrong band and a misspelled option', () => {
    const { types } = legRun(leg)
    expect(types.stdout + types.stderr).toBe('')
    expect(types.exitCode).toBe(0)
  })
})

test('the numbers in results.json are equal between the two legs', () => {
  const [first, second] = legs.map(leg => new Map(results(leg).cases.map(c => [c.name, c.record!])))
  expect([...second!.keys()].sort()).toEqual([...first!.keys()].sort())
  for (const [name, record] of first!) {
    const other = second!.get(name)!
    expect(other.model.hash, name).toBe(record.model.hash)
    expect(other.n, name).toBe(record.n)
    expect(other.metrics, name).toEqual(record.metrics)
  }
})
