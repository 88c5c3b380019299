/**
 * Test helper: a scratch project that uses lmscale from this checkout (the plugin line in vitest.config.ts,
 * node_modules linked to this installation), and `vitest` run in it as a child process, as users run it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const srcDir = fileURLToPath(new URL('../src', import.meta.url))
// The Vitest that runs the test runs the scratch project too (4.1 here, 5 in the Node 24 leg).
const vitestDir = dirname(createRequire(import.meta.url).resolve('vitest/package.json'))
const vitestBin = join(vitestDir, 'vitest.mjs')

/** A new project in a temporary folder: `files` are written relative to it (folders created). */
export function scratchProject(files: Record<string, string>, pluginOptions = '{}'): string {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-scratch-'))
  symlinkSync(dirname(vitestDir), join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), '{ "name": "scratch", "private": true, "type": "module" }\n')
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config'\nimport { lmscale } from '${join(srcDir, 'vitest', 'plugin.ts')}'\nexport default defineConfig({ plugins: [lmscale(${pluginOptions})] })\n`,
  )
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

export interface Outcome {
  readonly code: number | null
  readonly output: string
}

/** Starts vitest in `dir` in its own process group (so a test can SIGKILL all of it), without the parent's Vitest variables. */
export function startVitest(dir: string, args: readonly string[], extra: Record<string, string> = {}): { child: ChildProcess; done: Promise<Outcome> } {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && !key.startsWith('LMSCALE_') && key !== 'NODE_ENV' && key !== 'TEST' && key !== 'GITHUB_STEP_SUMMARY') env[key] = value
  }
  const child = spawn(process.execPath, [vitestBin, ...args], {
    cwd: dir,
    env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', chunk => (output += chunk))
  child.stderr?.on('data', chunk => (output += chunk))
  return { child, done: new Promise(resolve => child.on('close', code => resolve({ code, output }))) }
}

export const runVitest = (dir: string, args: readonly string[], extra: Record<string, string> = {}): Promise<Outcome> => startVitest(dir, args, extra).done
