/**
 * The MobileLLM study alone (never part of `npm test` or the default `npm run study`):
 * - `npm run study:mobilellm` (`vitest bench --run`): runs it through lmscale's plugin.
 * - `npm run plan:mobilellm` (`vitest run --mode plan`): plan mode, no model loaded; prints every case and the files
 *   it would download with their sizes, and fails naming the endpoint when the hub is unreachable or HF_HUB_OFFLINE is set.
 */
import { defineConfig } from 'vitest/config'
import { lmscale } from './src/vitest/plugin.ts'

export default defineConfig(({ mode }) =>
  mode === 'plan'
    ? { test: { include: ['studies/mobilellm-plan.run.ts'], disableConsoleIntercept: true, testTimeout: 120_000 } }
    : {
        plugins: [lmscale({ include: ['studies/mobilellm.bench.ts'] })],
        // Models are loaded once per worker: one file, one worker, its cases in order.
        test: { fileParallelism: false },
      },
)
