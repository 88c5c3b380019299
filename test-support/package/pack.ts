/** `npm pack` of this repository: the tarball a user would install, and the files it holds. */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { expectSuccess, runCommand } from './run-command.ts'

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url))

export interface PackResult {
  /** Absolute path of the .tgz (undefined for a dry run). */
  readonly tarball: string | undefined
  /** Paths inside the package, sorted. */
  readonly files: readonly string[]
  readonly seconds: number
}

/** Packs (running prepack, so the build) into `destination`, or lists what it would pack when `destination` is undefined. */
export async function packRepository(destination?: string): Promise<PackResult> {
  const args = ['pack', '--json', ...(destination ? ['--pack-destination', destination] : ['--dry-run'])]
  const result = expectSuccess(await runCommand('npm', args, { cwd: repositoryRoot }))
  // Anything a lifecycle script prints to stdout comes before npm's JSON, which starts with a line '['.
  const [packed] = JSON.parse(result.stdout.slice(Math.max(0, result.stdout.search(/^\[$/m)))) as { filename: string; files: { path: string }[] }[]
  if (!packed) throw new Error(`npm pack printed no package:\n${result.stdout}`)
  return {
    tarball: destination ? join(destination, packed.filename) : undefined,
    files: packed.files.map(f => f.path).sort(),
    seconds: result.seconds,
  }
}
