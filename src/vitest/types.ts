/**
 * What a case records in Vitest's task meta, and the typing of lmscale's provided options. The matchers'
 * typing is in matcher-types.d.ts (see there why it is a declaration file).
 */
import type { Band, BandCheck, CaseRecord, ItemDigest } from '../core/schema.ts'
export type { LmscaleMatchers } from './lmscale-matchers.ts'
import type {} from 'vitest'
import type {} from './matcher-types.d.ts'
import type { ResolvedLmscaleOptions } from './options.ts'
import type { ProgressStyle } from './progress.ts'

export interface CaseMeta {
  readonly study: string
  readonly model: string
  readonly task: string
  /** Identifies the loaded model this case shares with others in the worker (see model-pool.ts). */
  readonly poolKey: string
  /** A fidelity case's reference model: its study name and the pool key it loads under. */
  readonly reference?: { readonly model: string; readonly poolKey: string }
  /** The task label and perplexity metric the study's scaling fit uses (absent when the study has no perplexity), and the sizes it predicts at. */
  readonly scaling?: { readonly task: string; readonly metric: string; readonly predict?: readonly number[] }
  /** metric → band, declared by the study. */
  readonly bands: Readonly<Record<string, Band>>
  /** Set once the metrics are computed or read back. */
  record?: CaseRecord
  bandChecks?: BandCheck[]
  /** The per-item records in compact form, for the baseline gate. */
  items?: ItemDigest
  resumed?: boolean
}

declare module 'vitest' {
  interface TaskMeta {
    lmscale?: CaseMeta
  }
  interface ProvidedContext {
    lmscale: ResolvedLmscaleOptions
    /** This run's folder of study-name claims (study-claims.ts). */
    lmscaleClaims: string
    /** Decided in the main process: workers write through pipes, so only it knows whether stderr is a terminal. */
    lmscaleProgress: ProgressStyle
  }
}
