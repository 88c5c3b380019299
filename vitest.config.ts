import { defineConfig } from 'vitest/config'
import { lmscale } from './src/vitest/plugin.ts'

export default defineConfig({
  plugins: [lmscale()],
  test: {
    include: ['src/**/*.test.ts', 'test-support/**/*.test.ts', 'tests/repo/**/*.test.ts'],
    testTimeout: 120_000,
    // Forge the fixture models once, before any test file runs (cached under fixtures/.cache).
    globalSetup: ['./fixtures/global-setup.ts'],
  },
})
