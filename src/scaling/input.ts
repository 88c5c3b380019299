// Input of analyzeScaling: per-model points and options, validated with zod so bad input fails with
// the field path and value instead of a NaN deep inside a fit.
import { z } from 'zod'
import type { BootstrapMethod } from './bootstrap.ts'

export type ParameterConvention = 'total' | 'nonEmbedding'

export const CONVENTION_LABELS: Readonly<Record<ParameterConvention, string>> = {
  total: 'total parameters (tied embeddings counted once)',
  nonEmbedding: 'non-embedding parameters (Kaplan convention)',
}

export interface TaskAccuracy {
  /** Accuracy as a fraction in [0, 1]. */
  acc: number
  /** Its standard error (binomial), > 0. */
  stderr: number
  /** Per item 0/1 (or a continuous score whose mean is acc), for the nested bootstrap; clusters when the task declares them. */
  items?: number[]
  clusters?: number[]
}

/** A model's loss item by item: loss = Σ nll / Σ units (tokens, words or bytes), for the nested bootstrap and the χ². */
export interface LossItems {
  nll: number[]
  units: number[]
  /** Consecutive windows of one text in stream order (a token perplexity): neighbours' losses correlate. */
  serial?: boolean
}

export interface ScalingPoint {
  modelId: string
  params: { total: number; nonEmbedding?: number }
  /** Mean loss in nats per token; give this or perplexity (ln PPL = loss). */
  loss?: number
  perplexity?: number
  /** Standard error of the loss (nats) from the model's own evaluation, for the χ² of the fit (else from lossItems). */
  lossStderr?: number
  lossItems?: LossItems
  accuracies?: Record<string, TaskAccuracy>
}

export interface ScalingOptions {
  /** Interval level (default 0.95). */
  level?: number
  /** PRNG seed for the bootstrap (default 20240601). */
  seed?: number
  bootstrapSamples?: number
  bootstrapMethod?: BootstrapMethod
  /** Known SD of log-loss noise per model (e.g. eval-set noise); otherwise estimated from residuals. */
  logLossNoiseSd?: number
  huberDelta?: number
  /** Extra E values to include in the profile (e.g. 0, 0.5, 1, 1.5). */
  profileE?: number[]
  /** Sizes to predict at, per convention (a size means different things in each). */
  predictAt?: Partial<Record<ParameterConvention, number[]>>
  /** Samples along each fitted curve for plotting (default 41). */
  curvePoints?: number
  /** Per-task chance levels overriding the built-in table. */
  chanceLevels?: Record<string, number>
  /** Fit the sigmoid's ceiling gap u as well (default false: u = 0). */
  fitSigmoidCeiling?: boolean
  /** Replicates of each part of the nested bootstrap (default 400). */
  nestedSamples?: number
}

const positive = z.number().finite().positive()
const finiteList = z.array(z.number().finite()).min(2)
const clusterList = z.array(z.number().int().nonnegative()).optional()
const accuracySchema = z
  .strictObject({ acc: z.number().min(0).max(1), stderr: positive, items: finiteList.optional(), clusters: clusterList })
  .refine(a => a.clusters === undefined || a.clusters.length === a.items?.length, { message: 'clusters needs one entry per item', path: ['clusters'] })
const lossItemsSchema = z
  .strictObject({ nll: finiteList, units: z.array(positive), serial: z.boolean().optional() })
  .refine(l => l.nll.length === l.units.length, { message: 'nll and units need one entry per item each', path: ['units'] })
const pointSchema = z
  .strictObject({
    modelId: z.string().min(1),
    params: z.strictObject({ total: positive, nonEmbedding: positive.optional() }),
    loss: positive.optional(),
    perplexity: z.number().finite().gt(1).optional(),
    lossStderr: positive.optional(),
    lossItems: lossItemsSchema.optional(),
    accuracies: z.record(z.string().min(1), accuracySchema).optional(),
  })
  .refine(p => p.loss !== undefined || p.perplexity !== undefined, { message: 'give loss (nats) or perplexity' })
  .refine(p => p.loss === undefined || p.perplexity === undefined || Math.abs(Math.log(p.perplexity) - p.loss) <= 1e-6 * p.loss, {
    message: 'loss and perplexity disagree (ln perplexity must equal loss); give one of them',
  })
  .refine(
    p => {
      if (!p.lossItems) return true
      const loss = p.loss ?? Math.log(p.perplexity ?? Number.NaN)
      const fromItems = p.lossItems.nll.reduce((s, v) => s + v, 0) / p.lossItems.units.reduce((s, v) => s + v, 0)
      // Items are stored as float32: 1e-4 relative is far beyond their rounding and far below any real mismatch.
      return Math.abs(fromItems / loss - 1) <= 1e-4
    },
    { message: 'Σ nll / Σ units of lossItems is not the loss: the items are not the ones the loss came from', path: ['lossItems'] },
  )
  .refine(p => p.params.nonEmbedding === undefined || p.params.nonEmbedding < p.params.total, {
    message: 'params.nonEmbedding must be smaller than params.total',
    path: ['params', 'nonEmbedding'],
  })

const optionsSchema = z.strictObject({
  level: z.number().gt(0).lt(1).optional(),
  seed: z.number().int().optional(),
  bootstrapSamples: z.number().int().min(20).max(100000).optional(),
  bootstrapMethod: z.enum(['parametric', 'residual']).optional(),
  logLossNoiseSd: positive.optional(),
  huberDelta: positive.optional(),
  profileE: z.array(z.number().finite().min(0)).optional(),
  predictAt: z.strictObject({ total: z.array(positive).optional(), nonEmbedding: z.array(positive).optional() }).optional(),
  curvePoints: z.number().int().min(2).max(10000).optional(),
  chanceLevels: z.record(z.string(), z.number().min(0).lt(1)).optional(),
  fitSigmoidCeiling: z.boolean().optional(),
  nestedSamples: z.number().int().min(20).max(100000).optional(),
})

function describe(issues: readonly z.core.$ZodIssue[], root: string, value: unknown): string {
  return issues
    .map(issue => {
      const path = issue.path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : `${s}.${String(k)}`), root)
      let found: unknown = value
      for (const key of issue.path)
        found = found !== null && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined
      const shown = found !== undefined && (typeof found !== 'object' || found === null) ? ` (got ${JSON.stringify(found)})` : ''
      return `${path}: ${issue.message}${shown}`
    })
    .join('; ')
}

export function validateScalingInput(points: unknown, options: unknown): { points: ScalingPoint[]; options: ScalingOptions } {
  const parsedPoints = z.array(pointSchema).min(3, 'need at least 3 models for a fit with an error estimate').safeParse(points)
  if (!parsedPoints.success) throw new Error(`analyzeScaling: invalid points: ${describe(parsedPoints.error.issues, 'points', points)}`)
  const parsedOptions = optionsSchema.safeParse(options ?? {})
  if (!parsedOptions.success) throw new Error(`analyzeScaling: invalid options: ${describe(parsedOptions.error.issues, 'options', options)}`)
  const ids = new Set<string>()
  for (const p of parsedPoints.data) {
    if (ids.has(p.modelId)) throw new Error(`analyzeScaling: duplicate modelId "${p.modelId}" in points`)
    ids.add(p.modelId)
  }
  return { points: parsedPoints.data as ScalingPoint[], options: parsedOptions.data as ScalingOptions }
}
