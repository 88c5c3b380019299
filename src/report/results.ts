/** Builds results.json from the cases Vitest reported, and picks figures out of it for tables and plots. */
import { RESULTS_SCHEMA_VERSION } from '../core/schema.ts'
import type { CaseEntry, CaseRecord, ResultsDocument } from '../core/schema.ts'
import type { MetricInfo } from '../core/task-info.ts'

export function buildResults(cases: readonly CaseEntry[], vitest: ResultsDocument['vitest'], generatedAt: Date): ResultsDocument {
  const sorted = [...cases].sort((a, b) => a.study.localeCompare(b.study) || a.model.localeCompare(b.model) || a.task.localeCompare(b.task))
  return { schemaVersion: RESULTS_SCHEMA_VERSION, generatedAt: generatedAt.toISOString(), vitest, cases: sorted }
}

/** A metric's kind as its task declared it (results record the declaration with every case). */
export function metricKind(record: CaseRecord, metric: string): MetricInfo['kind'] | undefined {
  return record.task.metrics[metric]?.kind
}

/** One model of a study with the figures the model table needs. */
export interface ModelTableRow {
  readonly study: string
  readonly model: string
  readonly parameters: CaseRecord['model']['parameters']
  /** The first perplexity metric reported for the model, with its task. */
  readonly perplexity: { readonly task: string; readonly metric: string; readonly value: number } | undefined
  /** Highest scoring and cached-decode rates over the model's cases. */
  readonly scoringTokensPerSecond: number | undefined
  readonly decodeTokensPerSecond: number | undefined
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
  return [...groups.values()]
    .map(records => {
      const first = records[0]!
      const perplexity = records
        .flatMap(r =>
          Object.entries(r.metrics)
            .filter(([m]) => metricKind(r, m) === 'perplexity')
            .map(([metric, v]) => ({ task: r.task.name, metric, value: v.value })),
        )
        .sort((a, b) => a.task.localeCompare(b.task) || a.metric.localeCompare(b.metric))[0]
      return {
        study: first.study,
        model: first.model.name,
        parameters: first.model.parameters,
        perplexity,
        scoringTokensPerSecond: maxOf(records.map(r => r.throughput?.scoring?.tokensPerSecond)),
        decodeTokensPerSecond: maxOf(records.map(r => r.throughput?.decodeCached?.tokensPerSecond)),
        peakRssBytes: Math.max(...records.map(r => r.resources.peakRssBytes)),
        gpuMemoryBytes: maxOf(records.map(r => r.resources.gpuMemoryBytes ?? undefined)) ?? null,
      }
    })
    .sort((a, b) => a.study.localeCompare(b.study) || a.parameters.total - b.parameters.total)
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
