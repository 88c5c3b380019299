/** results.csv: one row per (study, model, task, metric), for spreadsheets and pandas. */
import type { ResultsDocument } from '../core/schema.ts'

export const csvColumns = [
  'study',
  'model',
  'task',
  'task_version',
  'metric',
  'value',
  'stderr',
  'n',
  'band',
  'band_pass',
  'state',
  'resumed',
  'parameters_total',
  'parameters_non_embedding',
  'model_hash',
  'device',
  'dtype',
  'threads',
  'limit',
  'scoring_tokens_per_s',
  'prefill_tokens_per_s',
  'decode_cached_tokens_per_s',
  'decode_no_cache_tokens_per_s',
  'scoring_p50_ms',
  'scoring_p99_ms',
  'peak_rss_bytes',
  'gpu_memory_bytes',
  'case_ms',
] as const

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function resultsCsv(doc: ResultsDocument): string {
  const lines = [csvColumns.join(',')]
  for (const entry of doc.cases) {
    const r = entry.record
    if (!r) continue
    for (const [metric, m] of Object.entries(r.metrics)) {
      const check = entry.bands.find(b => b.metric === metric)
      const t = r.throughput
      const row: Record<(typeof csvColumns)[number], string | number | boolean | null | undefined> = {
        study: entry.study,
        model: entry.model,
        task: entry.task,
        task_version: r.task.version,
        metric,
        value: m.value,
        stderr: m.stderr,
        n: r.n,
        band: check ? JSON.stringify(check.band) : undefined,
        band_pass: check?.pass,
        state: entry.state,
        resumed: entry.resumed,
        parameters_total: r.model.parameters.total,
        parameters_non_embedding: r.model.parameters.nonEmbedding,
        model_hash: r.model.hash,
        device: r.options.device,
        dtype: r.options.dtype,
        threads: r.options.threads,
        limit: r.options.limit,
        scoring_tokens_per_s: t?.scoring?.tokensPerSecond,
        prefill_tokens_per_s: t?.prefill?.tokensPerSecond,
        decode_cached_tokens_per_s: t?.decodeCached?.tokensPerSecond,
        decode_no_cache_tokens_per_s: t?.decodeNoCache?.tokensPerSecond,
        scoring_p50_ms: t?.scoring?.p50Ms,
        scoring_p99_ms: t?.scoring?.p99Ms,
        peak_rss_bytes: r.resources.peakRssBytes,
        gpu_memory_bytes: r.resources.gpuMemoryBytes,
        case_ms: r.timing.caseMs,
      }
      lines.push(csvColumns.map(c => csvField(row[c])).join(','))
    }
  }
  return `${lines.join('\n')}\n`
}
