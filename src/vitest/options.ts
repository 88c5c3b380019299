/** The plugin's options: typed, validated with zod, resolved with environment overrides. */
import { z } from 'zod'
import type { CompareSettings } from '../core/comparison.ts'

export const lmscaleOptionsSchema = z.strictObject({
  /** Where reports and per-case results go, relative to the Vitest root. */
  reportsDir: z.string().min(1).optional(),
  /** Where baseline snapshots live, relative to the Vitest root. */
  baselinesDir: z.string().min(1).optional(),
  /** Overrides every study's device. */
  device: z.enum(['cpu', 'cuda']).optional(),
  /** Overrides every study's dtype. */
  dtype: z.enum(['fp32', 'fp16', 'q8', 'q4']).optional(),
  /** Overrides every study's intra-op thread count. */
  threads: z.number().int().positive().optional(),
  /** Skip cases whose stored result matches (also LMSCALE_RESUME=1). */
  resume: z.boolean().optional(),
  /** Write baselines instead of comparing with them (also Vitest's -u). */
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
      /** Allowed relative fall of calibrated throughput beyond tinybench's error bounds; default 0.10. */
      throughputTolerance: z.number().nonnegative().lt(1).optional(),
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
  readonly dtype: 'fp32' | 'fp16' | 'q8' | 'q4' | null
  readonly threads: number | null
  readonly resume: boolean
  readonly update: boolean
  readonly reportOnly: boolean
  readonly strictRevisions: boolean
  readonly baseline: CompareSettings
  readonly include: readonly string[]
}

export function resolveLmscaleOptions(
  options: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = process.argv,
): ResolvedLmscaleOptions {
  const parsed = lmscaleOptionsSchema.safeParse(options ?? {})
  if (!parsed.success) {
    const problems = parsed.error.issues.map(issue => {
      const where = issue.path.length ? issue.path.join('.') : '(options)'
      return `  ${where}: ${issue.message}`
    })
    throw new Error(`lmscale(): invalid plugin options\n${problems.join('\n')}`)
  }
  const o = parsed.data
  return {
    reportsDir: o.reportsDir ?? 'reports',
    baselinesDir: o.baselinesDir ?? 'benchmarks/__baselines__',
    device: o.device ?? null,
    dtype: o.dtype ?? null,
    threads: o.threads ?? null,
    resume: o.resume ?? env.LMSCALE_RESUME === '1',
    update: o.update ?? (argv.includes('-u') || argv.includes('--update')),
    reportOnly: o.reportOnly ?? env.LMSCALE_REPORT_ONLY === '1',
    strictRevisions: o.strictRevisions ?? env.LMSCALE_STRICT_REVISIONS === '1',
    baseline: {
      mode: o.baseline?.mode ?? 'auto',
      alpha: o.baseline?.alpha ?? 0.01,
      perplexityTolerance: o.baseline?.perplexityTolerance ?? 0.01,
      throughputTolerance: o.baseline?.throughputTolerance ?? 0.1,
    },
    include: o.include ?? ['benchmarks/**/*.bench.ts'],
  }
}
