/**
 * The cross-family fixture study alone (`npm run study:families`): both forged families, reports in
 * reports/families/ so the default study's reports stay as they are. Never part of `npm test` or `npm run study`.
 */
import { defineConfig } from 'vitest/config'
import { lmscale } from './src/vitest/plugin.ts'

export default defineConfig({
  plugins: [lmscale({ include: ['studies/families.bench.ts'], reportsDir: 'reports/families' })],
  // Models are loaded once per worker: one file, one worker, its cases in order.
  test: { fileParallelism: false },
})
