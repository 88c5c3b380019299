/** A scratch project beside the repository whose one study file runs under the lmscale plugin, as a user's would. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** Writes `studies/<file>` with `study` into a new temporary project and returns the project's directory. */
export function studyProject(name: string, file: string, study: string): string {
  const project = mkdtempSync(join(tmpdir(), `lmscale-${name}-`))
  mkdirSync(join(project, 'studies'))
  symlinkSync(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir')
  writeFileSync(join(project, 'package.json'), `{ "name": "scratch-${name}", "private": true, "type": "module" }\n`)
  writeFileSync(
    join(project, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config'\nimport { lmscale } from '${join(repoRoot, 'src', 'vitest', 'plugin.ts')}'\n` +
      `export default defineConfig({ plugins: [lmscale({ include: ['studies/*.bench.ts'] })], test: { fileParallelism: false } })\n`,
  )
  writeFileSync(join(project, 'studies', file), study)
  return project
}
