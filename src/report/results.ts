/** Builds results.json from the cases Vitest reported, and picks figures out of it for tables and plots. */
import { RESULTS_SCHEMA_VERSION } from '../core/schema.ts'
import type { CaseEntry, CaseRecord, ResultsDocument } from '../core/schema.ts'
import type { MetricInfo } from '../core/task-info.ts'

export function buildResults(cases: readonly CaseEntry[], vitest: ResultsDocument['vitest'], generatedAt: Date): ResultsDocument {
  // Models by size within a study, as a scaling study reads; a case without a record goes after its study's models.
  const size = (c: CaseEntry) => c.record?.model.parameters.total ?? Infinity
  const sorted = [...cases].sort(
    (a, b) => a.study.localeCompare(b.study) || size(a) - size(b) || a.model.localeCompare(b.model) || a.task.localeCompare(b.task),
  )
  return { schemaVersion: RESULTS_SCHEMA_VERSION, generatedAt: generatedAt.toISOString(), vitest, cases: sorted }
}

/** A metric's kind as its task declared it (results record the declaration with every case). */
export function metricKind(record: CaseRecord, metric: string): MetricInfo['kind'] | undefined {
  return record.task.metrics[metric]?.kind
}

/** Which perplexity a model's loss comes from when results name none, best first: per token, then per word, then per byte. */
const perplexityUnits = ['token', 'word', 'byte'] as const

/** The task (label) and perplexity metric a study's scaling fit uses as its loss (ln of that perplexity). */
export interface ScalingLoss {
  readonly task: string
  readonly metric: string
  /** Total parameter counts the study asked the law to predict at. */
  readonly predict?: readonly number[]
}

/** Each study's loss as its cases recorded it: the study's `scaling` option, else defineStudy's default for it. */
export function recordedLosses(doc: ResultsDocument): Map<string, ScalingLoss> {
  return new Map(doc.cases.flatMap(c => (c.scaling ? [[c.study, c.scaling] as const] : [])))
}

/**
 * The (task, metric) a study's loss comes from, with its unit: the one the study's cases recorded (`named`), else,
 * for results that record none, the first task (by name) reporting a perplexity of the best unit.
 */
export function lossMetric(
  points: readonly MetricPoint[],
  named?: ScalingLoss,
): { readonly task: string; readonly metric: string; readonly unit: string | undefined } | undefined {
  if (named) return { ...named, unit: points.find(p => p.task === named.task && p.metric === named.metric)?.info?.unit }
  const candidates = points.filter(p => p.info?.kind === 'perplexity').sort((a, b) => a.task.localeCompare(b.task) || a.metric.localeCompare(b.metric))
  for (const unit of perplexityUnits) {
    const found = candidates.find(p => p.info?.unit === unit)
    if (found) return { task: found.task, metric: found.metric, unit }
  }
  return undefined
}

/** Throughput phases as results record them, with the names the reports print. */
export const throughputPhases = [
  ['scoring', 'scoring'],
  ['prefill', 'prefill'],
  ['decodeCached', 'decode (KV cache)'],
  ['batchedDecode', 'batched decode'],
  ['decodeNoCache', 'decode (no cache)'],
] as const

export type ThroughputPhase = (typeof throughputPhases)[number][0]

/** One model of a study with the figures the model table needs. */
export interface ModelTableRow {
  readonly study: string
  readonly model: string
  readonly parameters: CaseRecord['model']['parameters']
  /** The study's loss metric (lossMetric) for this model. */
  readonly perplexity: number | undefined
  /** Per phase, the median tokens/s over the model's measurements (one when the cases share it), and how many. */
  readonly throughput: Partial<Record<ThroughputPhase, { readonly median: number; readonly cases: number }>>
  readonly peakRssBytes: number
  readonly gpuMemoryBytes: number | null
}

export function summarizeModels(doc: ResultsDocument): ModelTableRow[] {
  const groups = new Map<string, CaseRecord[]>()
  for (const entry of doc.cases) {
    if (!entry.record) continue
    const key = JSON.stringify([entry.study, entry.model])
    groups.set(key, [...(groups.get(key) ?? []), entry.record])
  }
  const points = metricPoints(doc)
  const named = recordedLosses(doc)
  const loss = new Map(
    [...new Set(points.map(p => p.study))].map(study => [
      study,
      lossMetric(
        points.filter(p => p.study === study),
        named.get(study),
      ),
    ]),
  )
  return [...groups.values()]
    .map(records => {
      const first = records[0]!
      const chosen = loss.get(first.study)
      // By the case's task label, which carries a task's non-default options.
      const perplexity =
        chosen && points.find(p => p.study === first.study && p.model === first.model.name && p.task === chosen.task && p.metric === chosen.metric)?.value
      const throughput = Object.fromEntries(
        throughputPhases.flatMap(([phase]) => {
          const rates = ownMeasurements(records).flatMap(r => r.throughput?.[phase]?.tokensPerSecond ?? [])
          return rates.length ? [[phase, { median: median(rates), cases: rates.length }]] : []
        }),
      )
      return {
        study: first.study,
        model: first.model.name,
        parameters: first.model.parameters,
        perplexity,
        throughput,
        peakRssBytes: Math.max(...records.map(r => r.resources.peakRssBytes)),
        gpuMemoryBytes: maxOf(records.map(r => r.resources.gpuMemoryBytes ?? undefined)) ?? null,
      }
    })
    .sort((a, b) => a.study.localeCompare(b.study) || a.parameters.total - b.parameters.total)
}

/** A model's throughput once per measurement: its cases share one (measuredIn); older records timed their own. */
function ownMeasurements(records: readonly CaseRecord[]): CaseRecord[] {
  const seen = new Set<string>()
  return records.filter(r => {
    const measuredIn = r.throughput?.measuredIn
    if (measuredIn === undefined) return true
    if (seen.has(measuredIn)) return false
    seen.add(measuredIn)
    return true
  })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined)
  return present.length ? Math.max(...present) : undefined
}

/** One metric value of one case: the row shape of the CSV, the plots and the scaling analysis. */
export interface MetricPoint {
  readonly study: string
  readonly model: string
  readonly task: string
  readonly metric: string
  readonly value: number
  readonly stderr: number | undefined
  readonly parameters: number
  readonly nonEmbeddingParameters: number
  /** The model family the study declared for the model (undefined when it declared none). */
  readonly family?: string | undefined
  /** The metric's declared metadata, and the task's chance level (null when it declares none). */
  readonly info: MetricInfo | undefined
  readonly chance: number | null
}

export function metricPoints(doc: ResultsDocument): MetricPoint[] {
  return doc.cases.flatMap(entry => {
    const record = entry.record
    if (!record) return []
    return Object.entries(record.metrics).map(([metric, v]) => ({
      study: entry.study,
      model: entry.model,
      task: entry.task,
      metric,
      value: v.value,
      stderr: v.stderr,
      parameters: record.model.parameters.total,
      nonEmbeddingParameters: record.model.parameters.nonEmbedding,
      family: record.model.family,
      info: record.task.metrics[metric],
      chance: record.task.chance,
    }))
  })
}
