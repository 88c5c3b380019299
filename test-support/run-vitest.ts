/** Runs the Vitest CLI in a child process, as a user would, with an environment cleaned of this run's own. */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

export interface VitestOutcome {
  readonly code: number | null
  readonly output: string
}

export function runVitest(cwd: string, args: string[], env: Record<string, string>): Promise<VitestOutcome> {
  const clean: NodeJS.ProcessEnv = {}
  // The child must not think it runs inside this Vitest worker, nor inherit a real hub configuration.
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !key.startsWith('VITEST') &&
      !key.startsWith('HF_') &&
      !key.startsWith('LMSCALE_') &&
      key !== 'NODE_ENV' &&
      key !== 'TEST' &&
      key !== 'GITHUB_STEP_SUMMARY'
    ) {
      clean[key] = value
    }
  }
  const child = spawn(process.execPath, [vitestBin, ...args], {
    cwd,
    env: { ...clean, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  return new Promise(resolve => child.on('close', code => resolve({ code, output })))
}
