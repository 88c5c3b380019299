// The packed-tarball test: slow (two scratch installs from the registry, two study runs), so it is not part of
// `npm test`; .ci/run runs it with `npx vitest run --config tests/package/vitest.config.ts`.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/package/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
})
