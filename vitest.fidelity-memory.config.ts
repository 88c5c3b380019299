/** `npm run perf:fidelity-memory`: the fidelity task's memory on a 125M-shaped model, alone in one process (never part of `npm test`). */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['benchmarks/fidelity-memory.perf.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 60 * 60_000,
    disableConsoleIntercept: true,
    globalSetup: ['./fixtures/global-setup.ts'],
  },
})
