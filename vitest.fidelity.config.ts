/**
 * The fidelity fixture study alone (`npm run study:fidelity`): export formats against fp32, reports in
 * reports/fidelity/ so the default study's reports stay as they are. Never part of `npm test` or `npm run study`.
 */
import { defineConfig } from 'vitest/config'
import { lmscale } from './src/vitest/plugin.ts'

export default defineConfig({
  plugins: [lmscale({ include: ['studies/fidelity.bench.ts'], reportsDir: 'reports/fidelity' })],
  // Models are loaded once per worker: one file, one worker, its cases in order.
  test: { fileParallelism: false },
})
