/** The plugin's options: typed, validated with zod, resolved with environment overrides. */
import { z } from 'zod'

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
    include: o.include ?? ['benchmarks/**/*.bench.ts'],
  }
}
