import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { lmscale } from './src/vitest/plugin.ts'

export default defineConfig({
  plugins: [lmscale()],
  // A study in this repository imports 'lmscale' as a user's would (README "Write a study"): from the sources,
  // never from a dist/ that may be missing (a fresh clone) or stale (an earlier build).
  resolve: {
    alias: [
      { find: /^lmscale$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^lmscale\/vitest$/, replacement: fileURLToPath(new URL('./src/vitest/plugin.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test-support/**/*.test.ts', 'tests/repo/**/*.test.ts'],
    testTimeout: 120_000,
    // One worker per core, not Vitest's default of one fewer: most of the time goes to the end-to-end tests' child
    // processes and files, so on 2 cores two workers ran `npm test` in 7–8.5 min where one took 14.
    maxWorkers: '100%',
    // Forge the fixture models once, before any test file runs (cached under fixtures/.cache).
    globalSetup: ['./fixtures/global-setup.ts'],
  },
})
