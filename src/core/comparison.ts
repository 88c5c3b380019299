/** What comparing a run with its baseline yields: one row per (model, task, metric) or throughput workload. */

export type Verdict =
  /** Worse beyond noise (or, in exact mode, not bit-identical): fails the gate. */
  | 'regression'
  /** The baseline cannot judge this run (another task version, or exact mode on another environment): fails the gate. */
  | 'incomparable'
  | 'improvement'
  | 'unchanged'
  /** Compared figures with no rule that can judge them (unknown direction, no calibration): reported only. */
  | 'unchecked'
  /** No baseline entry yet. */
  | 'new'

export type Method = 'exact' | 'mcnemar' | 'paired-bootstrap' | 'unpaired-z' | 'tolerance' | 'calibrated-ratio' | 'none'

export interface Comparison {
  readonly study: string
  readonly model: string
  readonly task: string
  /** A metric name, `throughput <workload>`, `per-item records`, or `*` for the whole case. */
  readonly metric: string
  readonly method: Method
  readonly baseline: number | null
  readonly current: number | null
  /** current − baseline; for throughput, the calibrated ratio − 1. */
  readonly change: number | null
  /** Two-sided p-value of the paired (or unpaired) test, and Holm's adjustment over the run's tests. */
  readonly pValue?: number
  readonly adjustedP?: number
  /** Which way the metric improves, when it is not `higher` (a Brier score): the sign of a tested change means the opposite. */
  readonly better?: 'lower'
  /** A paired interval of the change (current − baseline), clustered where the task declares a cluster key. */
  readonly interval?: { readonly low: number; readonly high: number; readonly level: number; readonly clusters: number }
  /** The smallest change this comparison detects at 80% power (two-sided, α = 0.05), at its size and noise. */
  readonly mde?: number
  /** For a paired accuracy test: the indices (in document order) of the items that flipped. */
  readonly flips?: { readonly rightToWrong: readonly number[]; readonly wrongToRight: readonly number[] }
  /** Why the verdict: the test's figures, the tolerance, or what differs. */
  readonly detail: string
  readonly verdict: Verdict
}

export const failingVerdicts: ReadonlySet<Verdict> = new Set(['regression', 'incomparable'])

export interface CompareSettings {
  /** `auto`: exact where the model hash, options and CPU environment match, statistical elsewhere. */
  readonly mode: 'auto' | 'exact' | 'statistical'
  /** Holm-adjusted level of the accuracy tests. */
  readonly alpha: number
  /** Allowed relative rise of a perplexity (log-scale metrics get the matching difference). */
  readonly perplexityTolerance: number
  /** Allowed relative fall of calibrated throughput, on top of the measurement's error bounds. */
  readonly throughputTolerance: number
  /**
   * Whether a throughput phase judged DIFFERENT and slower fails the run; otherwise it is reported, not gated
   * (the default: on a shared machine load moves the ratios past any tolerance that still catches a 2× slowdown).
   */
  readonly gateThroughput: boolean
}

export interface StudyBaseline {
  readonly study: string
  /** Absolute path of the study's baseline file. */
  readonly file: string
  /** compared; missing (no file, nothing gated); updated (written with -u); error (unreadable: fails the gate). */
  readonly status: 'compared' | 'missing' | 'updated' | 'error'
  readonly error?: string
  /** On update: entries written from this run, and entries kept from the old file for cases this run did not have. */
  readonly written?: number
  readonly kept?: number
  /** On update: the old file could not be read and was replaced. */
  readonly replacedUnreadable?: string
  readonly comparisons: readonly Comparison[]
}

export interface BaselineReport {
  readonly update: boolean
  readonly settings: CompareSettings
  readonly studies: readonly StudyBaseline[]
  /** Regressions, incomparable cases and unreadable baselines make the gate fail. */
  readonly failed: boolean
}
