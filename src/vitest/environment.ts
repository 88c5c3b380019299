/** The environment stamp every result carries: what ran, on what, from which commit. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { arch, cpus, platform } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EnvironmentStamp } from '../core/schema.ts'
import { gpuName } from './resources.ts'

/** Facts that do not depend on the model: computed once per worker. */
export type HostStamp = Omit<EnvironmentStamp, 'executionProvider' | 'threads'>

export function hostStamp(root: string): HostStamp {
  const cpu = cpus()
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    onnxruntime: packageVersion('onnxruntime-node'),
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cpuId: cpuIdentity(),
    cpuCount: cpu.length,
    gpu: gpuName(),
    lmscale: lmscaleVersion(),
    vitest: packageVersion('vitest'),
    gitCommit: gitCommit(root),
  }
}

/** The /proc/cpuinfo fields that tell CPU generations and instruction sets apart (not clock or cache figures, which vary). */
const CPU_FIELDS = ['vendor_id', 'cpu family', 'model', 'model name', 'stepping', 'flags'] as const

/**
 * A machine's CPU identity for exact comparison: sha256 of the first processor's vendor, family, model, stepping and
 * flags in /proc/cpuinfo (a model string such as "AMD EPYC" is shared by several generations whose kernels differ).
 * Elsewhere the model string and architecture, marked as such.
 */
export function cpuIdentity(cpuinfo: string | undefined = readCpuinfo()): string {
  const first = cpuinfo?.split(/\n\s*\n/)[0] ?? ''
  const fields = new Map(first.split('\n').map(line => line.split(/\s*:\s*/, 2).map(part => part.trim()) as [string, string]))
  const picked = CPU_FIELDS.map(field => `${field}: ${fields.get(field) ?? ''}`)
  if (!CPU_FIELDS.some(field => fields.has(field))) return `model ${cpus()[0]?.model.trim() ?? 'unknown'} (${arch()}, no /proc/cpuinfo)`
  return `cpuinfo sha256:${createHash('sha256').update(picked.join('\n')).digest('hex').slice(0, 16)}`
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8')
  } catch {
    return undefined
  }
}

/** The installed version of a dependency, found from its entry point (its exports may hide package.json). */
function packageVersion(name: string): string | null {
  const require = createRequire(import.meta.url)
  let dir: string
  try {
    dir = dirname(require.resolve(name))
  } catch {
    return null
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'))
    if (manifest?.name === name) return manifest.version ?? null
  }
  return null
}

/** lmscale's own version: the nearest package.json named lmscale above this file (src/ or dist/). */
function lmscaleVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'))
    if (manifest?.name === 'lmscale') return manifest.version ?? 'unknown'
  }
  return 'unknown'
}

function readManifest(path: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string }
  } catch {
    return undefined
  }
}

function gitCommit(root: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null
  } catch {
    return null
  }
}
