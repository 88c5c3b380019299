/**
 * A new project outside this repository, made from tests/package/project (the files the README shows), with
 * the packed tarball and one Vitest major installed from the registry, as a user would.
 */
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { repositoryRoot } from './pack.ts'
import { expectSuccess, runCommand, type CommandResult } from './run-command.ts'

export const projectTemplate = join(repositoryRoot, 'tests', 'package', 'project')

export interface ScratchProject {
  readonly dir: string
  /** The outer environment without Vitest's and lmscale's own variables, node_modules/.bin first on PATH. */
  readonly env: NodeJS.ProcessEnv
}

/** Variables an enclosing Vitest run or a developer's shell sets that would leak into the scratch run. */
const LEAKING = /^(VITEST.*|TEST|MODE|DEV|PROD|SSR|BASE_URL|NODE_ENV|LMSCALE_.*)$/

export function createScratchProject(label: string): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), `lmscale-package-${label}-`))
  cpSync(projectTemplate, dir, { recursive: true })
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !LEAKING.test(key)))
  // npx puts node_modules/.bin on PATH for the command only; putting it first here also makes an installed
  // `node` package the node that npx and the tools it starts run on.
  env.PATH = [join(dir, 'node_modules', '.bin'), process.env.PATH].join(delimiter)
  return { dir, env }
}

/** `npm i -D <packages>` in the project (its .npmrc skips onnxruntime-node's CUDA download). */
export async function installDevDependencies(project: ScratchProject, packages: readonly string[]): Promise<CommandResult> {
  return expectSuccess(await runCommand('npm', ['i', '-D', '--no-audit', '--no-fund', ...packages], { cwd: project.dir, env: project.env }))
}

/** `npx vitest bench --run`: exits 1 when a band fails, so the exit code is the caller's to check. */
export function runStudy(project: ScratchProject): Promise<CommandResult> {
  return runCommand('npx', ['vitest', 'bench', '--run'], { cwd: project.dir, env: project.env })
}

/** `tsc --noEmit` over the project's config, study and type checks, with this repository's TypeScript. */
export function typecheck(project: ScratchProject): Promise<CommandResult> {
  const tsc = join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc')
  return runCommand(process.execPath, [tsc, '-p', join(project.dir, 'tsconfig.json')], { cwd: project.dir, env: project.env })
}
