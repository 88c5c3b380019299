import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    // Forge the fixture models once, before any test file runs (cached under fixtures/.cache).
    globalSetup: ['./fixtures/global-setup.ts'],
  },
})
