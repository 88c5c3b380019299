/**
 * The state the runner owns and the study's cases use in one worker. It lives on a global symbol because
 * Vitest may load the runner and the test files in different module graphs.
 */
import type { ResolvedLmscaleOptions } from './options.ts'
import type { HostStamp } from './environment.ts'
import type { ModelPool } from './model-pool.ts'
import type { StudyClaims } from './study-claims.ts'
import type { ProgressStyle } from './progress.ts'

export interface LmscaleRuntime {
  readonly pool: ModelPool
  readonly root: string
  /** Computed on first use: git and nvidia-smi cost a process each. */
  readonly host: () => HostStamp
  readonly options: () => ResolvedLmscaleOptions
  /** The study names this run's files define (see study-claims.ts). */
  readonly claims: StudyClaims
  readonly progressStyle: () => ProgressStyle
}

const runtimeSymbol = Symbol.for('lmscale.runtime')

export function installRuntime(runtime: LmscaleRuntime): void {
  ;(globalThis as Record<symbol, unknown>)[runtimeSymbol] = runtime
}

export function activeRuntime(): LmscaleRuntime {
  const runtime = (globalThis as Record<symbol, unknown>)[runtimeSymbol] as LmscaleRuntime | undefined
  if (!runtime) {
    throw new Error("lmscale: the lmscale runner is not active. Add `plugins: [lmscale()]` (from 'lmscale/vitest') to vitest.config.ts.")
  }
  return runtime
}
