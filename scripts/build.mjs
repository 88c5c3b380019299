// `npm run build` (and so `npm pack`): a clean dist/ with compiled JavaScript, declarations and the matcher
// typing. tsc emits no copy of a .d.ts source and drops the empty type import that pulls matcher-types.d.ts in,
// so it is copied here and referenced from both entry points' declarations (a user's tsconfig may see only
// vitest.config.ts, or only a study file).
import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })

const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })

copyFileSync(join(root, 'src', 'vitest', 'matcher-types.d.ts'), join(dist, 'vitest', 'matcher-types.d.ts'))
for (const [file, reference] of [
  ['index.d.ts', './vitest/matcher-types.d.ts'],
  ['vitest/plugin.d.ts', './matcher-types.d.ts'],
]) {
  const path = join(dist, file)
  writeFileSync(path, `/// <reference path="${reference}" />\n${readFileSync(path, 'utf8')}`)
}
