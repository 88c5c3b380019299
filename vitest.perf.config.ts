/** `npm run perf`: the performance benchmark, alone in one process (it is minutes long; never part of `npm test`). */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['benchmarks/perf.bench.ts'],
    env: { LMSCALE_PERF: '1' },
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
    disableConsoleIntercept: true,
    globalSetup: ['./fixtures/global-setup.ts'],
  },
})
