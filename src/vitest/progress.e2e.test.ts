/**
 * Live progress seen from outside: a one-case study whose executor takes about three seconds, run once under a
 * pseudo-terminal (util-linux `script`) and once as CI would (pipes, CI=true).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, test } from 'vitest'

const srcDir = fileURLToPath(new URL('..', import.meta.url))
const vitestDir = dirname(createRequire(import.meta.url).resolve('vitest/package.json'))

const executorSource = `
const ACCURACY = { direction: 'higher', kind: 'accuracy', aggregation: 'mean' }
export const executor = {
  tasks: { slow_mc: { kind: 'multiple_choice', version: 'slow_mc@1', chance: 0.25, metrics: { acc: ACCURACY } } },
  async loadModel(spec) { return { hash: 'sha-' + spec.name, executionProvider: 'cpu', parameters: { total: 1e6, embedding: 1e5, nonEmbedding: 9e5 } } },
  async runCase(model, task, options) {
    const n = 30
    for (let done = 1; done <= n; done++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      options.onProgress({ done, total: n, unit: 'requests', tokens: done * 50 })
    }
    return { metrics: { acc: { value: 0.5, stderr: 0.1 } }, n, taskVersion: 'slow_mc@1' }
  },
  release() {},
}
`

const projects: string[] = []
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true })
})

function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-progress-'))
  projects.push(dir)
  mkdirSync(join(dir, 'benchmarks'))
  symlinkSync(dirname(vitestDir), join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), '{ "name": "scratch-progress", "private": true, "type": "module" }\n')
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config'\nimport { lmscale } from '${join(srcDir, 'vitest', 'plugin.ts')}'\nexport default defineConfig({ plugins: [lmscale()] })\n`,
  )
  writeFileSync(join(dir, 'benchmarks', 'executor.ts'), executorSource)
  writeFileSync(
    join(dir, 'benchmarks', 'slow.bench.ts'),
    `import { defineStudy } from '${join(srcDir, 'index.ts')}'\nimport { executor } from './executor.ts'\n` +
      `defineStudy({ name: 'slow', models: [{ name: 'solo', source: 'x' }], tasks: ['slow_mc'], bands: { '*': { slow_mc: { acc: { min: 0.3 } } } }, executor, throughput: false })\n`,
  )
  return dir
}

/** Output chunks with the time each arrived. */
function run(dir: string, command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; chunks: { text: string }[] }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'CI' && key !== 'NODE_ENV' && key !== 'TEST'),
  )
  const child = spawn(command, args, { cwd: dir, env: { ...clean, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks: { text: string }[] = []
  const collect = (chunk: Buffer) => chunks.push({ text: chunk.toString() })
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  return new Promise(resolve => child.on('close', code => resolve({ code, chunks })))
}

const vitestCommand = `${process.execPath} ${join(vitestDir, 'vitest.mjs')} bench --run`
const LIVE = /\r\u001b\[2K\[lmscale\] solo › slow_mc {2}(\d+)\/30 requests \(\d+%\) {2}[\d.]+ requests\/s {2}\d+ tokens\/s {2}ETA \S+/g
const FINAL = '[lmscale] ✓ slow: solo › slow_mc  acc 0.50000 ± 0.10  band ≥ 0.3 within'

test('under a pseudo-terminal one line updates in place while the case runs, then the case line', async () => {
  const dir = makeProject()
  // script(1) gives the run a terminal of its own; its transcript goes to stdout, which we read.
  const { code, chunks } = await run(dir, 'script', ['-q', '-e', '-c', vitestCommand, '/dev/null'], {})
  expect(code, chunks.map(c => c.text).join('')).toBe(0)
  const finalChunk = chunks.findIndex(c => c.text.includes(FINAL))
  expect(finalChunk).toBeGreaterThan(0)
  const transcript = chunks.map(c => c.text).join('')
  const updates = [...transcript.matchAll(LIVE)].map(m => ({ index: m.index, done: Number(m[1]) }))
  // About 3 s of work at one line per 200 ms: several updates, each before the case's line, done growing.
  expect(updates.length).toBeGreaterThanOrEqual(5)
  for (const u of updates) expect(u.index).toBeLessThan(transcript.indexOf(FINAL))
  // Seen while the case ran: most updates reached the terminal in output written before the case's line.
  const early = chunks.slice(0, finalChunk).flatMap(c => [...c.text.matchAll(LIVE)])
  expect(early.length).toBeGreaterThanOrEqual(4)
  expect(updates.map(u => u.done)).toEqual([...updates.map(u => u.done)].sort((a, b) => a - b))
  expect(updates.at(0)!.done).toBeLessThan(30)
})

test('in CI, plain periodic lines with no control characters, then the case line', async () => {
  const dir = makeProject()
  const { code, chunks } = await run(dir, process.execPath, [join(vitestDir, 'vitest.mjs'), 'bench', '--run'], { CI: 'true', LMSCALE_PROGRESS_SECONDS: '1' })
  const output = chunks.map(c => c.text).join('')
  expect(code, output).toBe(0)
  const lines = output.split('\n').filter(line => line.startsWith('[lmscale] solo › slow_mc'))
  // 3 s of work, one line a second: two or three lines, each whole.
  expect(lines.length).toBeGreaterThanOrEqual(2)
  for (const line of lines) expect(line).toMatch(/^\[lmscale\] solo › slow_mc {2}\d+\/30 requests \(\d+%\) {2}[\d.]+ requests\/s {2}\d+ tokens\/s {2}ETA \S+$/)
  expect(output).toContain(FINAL)
  expect(output.indexOf(lines.at(-1)!)).toBeLessThan(output.indexOf(FINAL))
  // lmscale's own lines are plain (Vite may colour its own warnings, e.g. plugin timings on a loaded machine).
  for (const line of output.split('\n').filter(l => l.includes('[lmscale]'))) expect(line).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/)
  expect(output).not.toContain('\r')
})
