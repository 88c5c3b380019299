/** Memory figures: peak RSS of this process, and GPU memory through nvidia-smi when it is there. */
import { execFileSync } from 'node:child_process'

/** Peak resident set size of this process so far, in bytes (getrusage's maxrss is in KiB on Linux). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024
}

/**
 * Parses `nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits` (MiB, one line per GPU) into the
 * bytes used on all GPUs together.
 */
export function parseNvidiaSmiMemory(output: string): number {
  const lines = output
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
  if (lines.length === 0) throw new Error('nvidia-smi printed no memory figures')
  let mib = 0
  for (const line of lines) {
    const value = Number(line)
    if (!Number.isFinite(value)) throw new Error(`nvidia-smi printed an unexpected memory figure: ${JSON.stringify(line)}`)
    mib += value
  }
  return mib * 1024 * 1024
}

/** GPU memory in use in bytes, or null when nvidia-smi is absent or fails (no GPU here). */
export function gpuMemoryBytes(): number | null {
  const output = runNvidiaSmi(['--query-gpu=memory.used', '--format=csv,noheader,nounits'])
  return output === null ? null : parseNvidiaSmiMemory(output)
}

/** Names of the GPUs, or null without nvidia-smi. */
export function gpuName(): string | null {
  const output = runNvidiaSmi(['--query-gpu=name', '--format=csv,noheader'])
  if (output === null) return null
  const names = output
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
  return names.length ? names.join(', ') : null
}

function runNvidiaSmi(args: string[]): string | null {
  try {
    return execFileSync('nvidia-smi', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 })
  } catch {
    return null
  }
}
