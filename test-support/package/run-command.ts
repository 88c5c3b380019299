/** Runs a command to completion and keeps what it printed: the package test reads both, and the exit code. */
import { spawn } from 'node:child_process'

export interface CommandResult {
  readonly command: string
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
  readonly seconds: number
}

export function runCommand(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  const line = [command, ...args].join(' ')
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', error => reject(new Error(`${line} (in ${options.cwd}) did not start: ${error.message}`)))
    child.on('close', code =>
      resolve({
        command: line,
        exitCode: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
      }),
    )
  })
}

/** Throws with the command's output unless it exited 0. */
export function expectSuccess(result: CommandResult): CommandResult {
  if (result.exitCode !== 0) {
    throw new Error(`${result.command} exited with ${result.exitCode}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`)
  }
  return result
}
