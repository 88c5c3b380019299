/**
 * The cross-family hub study alone (never part of `npm test` or the default `npm run study`):
 * - `npm run study:cross-family` (`vitest bench --run`): runs it through lmscale's plugin.
 * - `npm run plan:cross-family` (`vitest run --mode plan`): plan mode, no model loaded; prints every case and the
 *   files it would download (with sizes and the commits to pin when the hub answers; by name alone offline).
 */
import { defineConfig } from 'vitest/config'
import { lmscale } from './src/vitest/plugin.ts'

export default defineConfig(({ mode }) =>
  mode === 'plan'
    ? { test: { include: ['studies/cross-family-plan.run.ts'], disableConsoleIntercept: true, testTimeout: 120_000 } }
    : {
        plugins: [lmscale({ include: ['studies/cross-family.bench.ts'] })],
        test: { fileParallelism: false },
      },
)
