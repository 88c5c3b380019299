/**
 * README "Write a study", exactly as written, in a fresh copy of the repository (its tracked files, the
 * installed node_modules, no build): the study runs and reports. A decoy dist/ that throws stands for a stale
 * build: the study must not load it.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { resultsSchema } from '../../src/core/schema.ts'
import { repositoryRoot } from '../../test-support/package/pack.ts'

const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('## Write a study'), readme.indexOf('\n## ', readme.indexOf('## Write a study') + 3))
const example = /```ts\n(\/\/ (\S+)\n[\s\S]*?)```/.exec(section)
const command = /`(npx vitest bench --run [^`]+)`/.exec(section)

const scratch = mkdtempSync(join(tmpdir(), 'lmscale-fresh-clone-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

test('the README shows a study file and the command that runs it', () => {
  expect(example?.[2]).toBe('benchmarks/my-models.bench.ts')
  expect(command?.[1]).toBe(`npx vitest bench --run ${example?.[2]}`)
})

test('the "Write a study" example runs in a fresh clone exactly as written', async () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repositoryRoot, encoding: 'utf8' }).split('\0').filter(Boolean)
  execFileSync('cp', ['--parents', '-t', scratch, ...files], { cwd: repositoryRoot })
  symlinkSync(join(repositoryRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir')
  mkdirSync(join(scratch, 'dist'))
  writeFileSync(join(scratch, 'dist', 'index.js'), "throw new Error('stale dist/ loaded')\n")
  writeFileSync(join(scratch, example![2]!), example![1]!)
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
  const args = command![1]!.split(' ').slice(2) // after `npx vitest`
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_ENV' && key !== 'TEST'))
  // The fixture models forged by this run's global setup, instead of forging them again.
  const child = spawn(process.execPath, [vitest, ...args], {
    cwd: scratch,
    env: { ...env, CI: 'true', NO_COLOR: '1', LMSCALE_FIXTURES_DIR: join(repositoryRoot, 'fixtures', '.cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  const code = await new Promise(resolve => child.on('close', resolve))
  expect(code, output).toBe(0)
  expect(output).not.toContain('stale dist/ loaded')
  const doc = resultsSchema.parse(JSON.parse(readFileSync(join(scratch, 'reports', 'results.json'), 'utf8')))
  expect(doc.cases.map(c => `${c.study}: ${c.name} ${c.state}`)).toEqual([
    'my-models: brown-bigram-xs › brown_heldout_ppl passed',
    'my-models: brown-bigram-xs › brown_next_word passed',
    'my-models: brown-bigram-s › brown_heldout_ppl passed',
    'my-models: brown-bigram-s › brown_next_word passed',
  ])
  expect(doc.cases.every(c => c.record!.n === 200 || c.task === 'brown_heldout_ppl')).toBe(true)
}, 600_000)
