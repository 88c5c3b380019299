/**
 * `lmscale(options)` from 'lmscale/vitest': one Vite plugin whose config hook wires lmscale's runner,
 * matchers, reporters (for `vitest run` and `vitest bench`) and benchmark globs into the user's config.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import { ReportersMap } from 'vitest/node'
import { resolveLmscaleOptions } from './options.ts'
import type { LmscaleOptions } from './options.ts'
import { progressStyle } from './progress.ts'
import { LmscaleReporter } from './reporter.ts'

export type { LmscaleOptions } from './options.ts'

/**
 * Resolves a sibling module of this file: `.ts` when running from src/, `.js` when compiled into dist/
 * (tsc rewrites the extensions of imports, not of these paths).
 */
export function siblingModule(name: string, base: string = import.meta.url): string {
  for (const extension of ['.ts', '.js']) {
    const path = fileURLToPath(new URL(`./${name}${extension}`, base))
    if (existsSync(path)) return path
  }
  throw new Error(`lmscale: cannot find ${name}.ts or ${name}.js next to ${fileURLToPath(base)}; is the package built?`)
}

interface UserTestConfig {
  runner?: unknown
  reporters?: unknown
  benchmark?: { reporters?: unknown; include?: unknown }
}

export function lmscale(options: LmscaleOptions = {}): Plugin {
  const resolved = resolveLmscaleOptions(options)
  // Shared by this run's workers; the reporter removes it when the run ends.
  const claims = join(tmpdir(), `lmscale-studies-${randomUUID()}`)
  return {
    name: 'lmscale',
    config(config) {
      const user = ((config as { test?: UserTestConfig }).test ?? {}) as UserTestConfig
      if (user.runner) {
        throw new Error('lmscale(): test.runner is already set in your config; lmscale brings its own runner, remove yours')
      }
      const reporter = new LmscaleReporter(resolved, claims)
      const hasReporters = (value: unknown) => value !== undefined && (!Array.isArray(value) || value.length > 0)
      // 4.1's bench mode rejects --reporter=blob by name, but takes a blob reporter instance: LMSCALE_BLOB=1
      // adds one for sharded runs. Vitest 5's bench mode reads test.reporters, 4.1's benchmark.reporters, so
      // it goes in both. A blob reporter left in the config makes --merge-reports throw: never there.
      const merging = process.argv.some(arg => arg === '--merge-reports' || arg.startsWith('--merge-reports='))
      const blob = process.env.LMSCALE_BLOB === '1' && !merging ? new ReportersMap.blob({}) : undefined
      // Vite concatenates arrays when merging plugin config: add 'default' only where the user chose none.
      const testReporters = [...(hasReporters(user.reporters) ? [] : ['default']), reporter, ...(blob ? [blob] : [])]
      const benchReporters = [...(hasReporters(user.benchmark?.reporters) ? [] : ['default']), reporter, ...(blob ? [blob] : [])]
      return {
        test: {
          runner: siblingModule('runner'),
          setupFiles: [siblingModule('matchers')],
          reporters: testReporters,
          provide: { lmscale: resolved, lmscaleClaims: claims, lmscaleProgress: progressStyle() },
          benchmark: {
            include: user.benchmark?.include ? [] : [...resolved.include],
            reporters: benchReporters,
          },
        },
      } as Record<string, unknown>
    },
  }
}

export default lmscale
