/** The plugin's options: typed, validated with zod, resolved with environment overrides. */
import { z } from 'zod'
import type { CompareSettings } from '../core/comparison.ts'
import type { Dtype } from '../core/executor.ts'
import { deviceSchema, dtypeSchema } from '../core/schema.ts'
import { ConfigError, zodProblems } from './config-error.ts'

export const lmscaleOptionsSchema = z.strictObject({
  /** Where reports and per-case results go, relative to the Vitest root. */
  reportsDir: z.string().min(1).optional(),
  /** Where baseline snapshots live, relative to the Vitest root. */
  baselinesDir: z.string().min(1).optional(),
  /** Overrides every study's device. */
  device: deviceSchema.optional(),
  /** Overrides every study's dtype. */
  dtype: dtypeSchema.optional(),
  /** Overrides every study's intra-op thread count. */
  threads: z.number().int().positive().optional(),
  /** Skip cases whose stored result matches (also LMSCALE_RESUME=1). */
  resume: z.boolean().optional(),
  /** Write baselines instead of comparing with them; unset, Vitest's `-u` / `--update` decides. */
  update: z.boolean().optional(),
  /** Fail a case whose model or dataset revision is a branch or tag, not a commit (also LMSCALE_STRICT_REVISIONS=1). */
  strictRevisions: z.boolean().optional(),
  /** Report baseline regressions without failing the run (also LMSCALE_REPORT_ONLY=1). */
  reportOnly: z.boolean().optional(),
  /** How runs are compared with their baseline (see the README's "Baselines and regression gating"). */
  baseline: z
    .strictObject({
      /** auto (default): bit-identical where model hash, options and CPU environment match, statistical elsewhere. */
      mode: z.enum(['auto', 'exact', 'statistical']).optional(),
      /** Family-wise level of the accuracy tests (Holm over the run); default 0.01. */
      alpha: z.number().gt(0).lt(1).optional(),
      /** Allowed relative rise of a perplexity; default 0.01. */
      perplexityTolerance: z.number().nonnegative().optional(),
      /** Allowed relative fall of calibrated throughput beyond its interval; default 0.25 (see the README's "Baselines and regression gating"). */
      throughputTolerance: z.number().nonnegative().lt(1).optional(),
      /**
       * Fail the run on a throughput phase judged DIFFERENT and slower; default false, reported only (LMSCALE_GATE_THROUGHPUT=1
       * turns it on): see the README's "Why the throughput gate is off by default".
       */
      gateThroughput: z.boolean().optional(),
    })
    .optional(),
  /** Benchmark files, relative to the Vitest root. */
  include: z.array(z.string().min(1)).min(1).optional(),
})

export type LmscaleOptions = z.input<typeof lmscaleOptionsSchema>

export interface ResolvedLmscaleOptions {
  readonly reportsDir: string
  readonly baselinesDir: string
  readonly device: 'cpu' | 'cuda' | null
  readonly dtype: Dtype | null
  readonly threads: number | null
  readonly resume: boolean
  /** null: follow Vitest's `-u` / `--update` (see updateFromVitest). */
  readonly update: boolean | null
  readonly reportOnly: boolean
  readonly strictRevisions: boolean
  readonly baseline: CompareSettings
  readonly include: readonly string[]
}

export function resolveLmscaleOptions(options: unknown, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedLmscaleOptions {
  const parsed = lmscaleOptionsSchema.safeParse(options ?? {}, { reportInput: true })
  if (!parsed.success) throw new ConfigError('lmscale()', 'plugin options', zodProblems(parsed.error, '(options)'))
  const o = parsed.data
  return {
    reportsDir: o.reportsDir ?? 'reports',
    baselinesDir: o.baselinesDir ?? 'benchmarks/__baselines__',
    device: o.device ?? null,
    dtype: o.dtype ?? null,
    threads: o.threads ?? null,
    resume: o.resume ?? env.LMSCALE_RESUME === '1',
    update: o.update ?? null,
    reportOnly: o.reportOnly ?? env.LMSCALE_REPORT_ONLY === '1',
    strictRevisions: o.strictRevisions ?? env.LMSCALE_STRICT_REVISIONS === '1',
    baseline: {
      mode: o.baseline?.mode ?? 'auto',
      alpha: o.baseline?.alpha ?? 0.01,
      perplexityTolerance: o.baseline?.perplexityTolerance ?? 0.01,
      throughputTolerance: o.baseline?.throughputTolerance ?? 0.25,
      gateThroughput: o.baseline?.gateThroughput ?? env.LMSCALE_GATE_THROUGHPUT === '1',
    },
    include: o.include ?? ['benchmarks/**/*.bench.ts'],
  }
}

const UPDATE_KINDS = new Set(['all', 'new', 'none', 'true', 'false'])

/**
 * Whether Vitest's resolved `update` (from `-u`, `--update`, `--update=<kind>` or the config) asks for new
 * baselines: any kind but `none` does. Vitest's `-u [type]` takes the next word as its kind, so
 * `-u benchmarks/x.bench.ts` would silently drop the file filter and re-baseline every study: that is refused.
 */
export function updateFromVitest(update: unknown): boolean {
  if (typeof update === 'string' && !UPDATE_KINDS.has(update)) {
    throw new ConfigError('lmscale', 'command line', [
      {
        path: `-u ${update}`,
        message:
          `Vitest reads the word after -u as the kind of update, so ${JSON.stringify(update)} is not used as a file filter and every ` +
          `study would be re-baselined. Put the filter before the flag (npx vitest bench --run ${update} -u) or write --update=all`,
      },
    ])
  }
  return update === true || update === 'true' || update === 'all' || update === 'new'
}
