/**
 * report.md: the model table (params, perplexity, tokens/s, memory), per-task accuracies with stderr,
 * throughput and memory per case, band failures, the scaling section and the plots.
 */
import { formatBand } from '../core/bands.ts'
import { bandFailureMessage } from './junit.ts'
import { lossMetric, metricKind, metricPoints, recordedLosses, summarizeModels, throughputPhases } from './results.ts'
import { pairedSection } from './paired-section.ts'
import { unpinnedMarkdown } from './unpinned.ts'
import type { CaseRecord, ResultsDocument } from '../core/schema.ts'

export interface MarkdownExtras {
  /** Markdown from src/scaling, when wired. */
  readonly scaling?: string | undefined
  /** Plot files relative to report.md. */
  readonly plots?: readonly { readonly file: string; readonly title: string }[]
  /** The baseline diff section (baseline-section.ts). */
  readonly baseline?: string | undefined
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`
  return String(n)
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '–'
  const mib = bytes / (1024 * 1024)
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(0)} MiB`
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '–' : value.toFixed(digits)
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map(r => `| ${r.join(' | ')} |`)]
}

/** Every warning a case recorded, under its case: what happened that a reader of the numbers should know. */
export function warningsMarkdown(doc: ResultsDocument): string[] {
  const warned = doc.cases.filter(c => c.record?.warnings?.length)
  if (!warned.length) return []
  return [
    '',
    `## ⚠ Warnings (${warned.length} ${warned.length === 1 ? 'case' : 'cases'})`,
    '',
    ...warned.flatMap(c => c.record!.warnings!.map(w => `- ${c.name}: ${w}`)),
  ]
}

/** Per study, the model table: models by size, the loss perplexity named, tokens/s per phase, memory. */
export function modelTables(doc: ResultsDocument): { study: string; head: string[]; rows: string[][]; phases: number }[] {
  const models = summarizeModels(doc)
  const points = metricPoints(doc)
  const named = recordedLosses(doc)
  const phases = throughputPhases.filter(([phase]) => models.some(m => m.throughput[phase]))
  return [...new Set(models.map(m => m.study))].map(study => {
    const loss = lossMetric(
      points.filter(p => p.study === study),
      named.get(study),
    )
    return {
      study,
      phases: phases.length,
      head: [
        'model',
        'params',
        'non-embedding',
        loss ? `${loss.task} ${loss.metric}${loss.unit ? ` (per ${loss.unit})` : ''}` : 'perplexity',
        ...phases.map(([, label]) => `${label} tok/s`),
        'peak RSS',
        'GPU memory',
      ],
      rows: models
        .filter(m => m.study === study)
        .map(m => [
          m.model,
          formatCount(m.parameters.total),
          formatCount(m.parameters.nonEmbedding),
          fixed(m.perplexity, 3),
          ...phases.map(([phase]) => fixed(m.throughput[phase]?.median, 1)),
          formatBytes(m.peakRssBytes),
          formatBytes(m.gpuMemoryBytes),
        ]),
    }
  })
}

/** `3 requests, 130 tokens (max 112)`, `none`, or `–` when the case did not count. */
function formatTruncation(truncation: CaseRecord['truncation']): string {
  if (!truncation) return '–'
  if (!truncation.requests) return 'none'
  return `${truncation.requests} requests, ${truncation.tokensDropped} tokens (max ${truncation.largestDrop})`
}

export function markdownReport(doc: ResultsDocument, extras: MarkdownExtras = {}): string {
  const passed = doc.cases.filter(c => c.state === 'passed').length
  const failed = doc.cases.filter(c => c.state === 'failed').length
  const env = doc.cases.find(c => c.record)?.record?.environment
  const lines: string[] = [
    '# lmscale report',
    '',
    `${doc.cases.length} cases: ${passed} passed, ${failed} failed (Vitest ${doc.vitest.version}, ${doc.vitest.mode} mode).`,
  ]
  if (env) {
    lines.push(
      '',
      `Node ${env.node} · onnxruntime ${env.onnxruntime ?? '?'} (${env.executionProvider}) · ${env.cpu} ×${env.cpuCount}` +
        `${env.gpu ? ` · ${env.gpu}` : ''} · threads ${env.threads ?? 'not reported'} · lmscale ${env.lmscale} · commit ${env.gitCommit?.slice(0, 12) ?? 'none'}`,
    )
  }

  lines.push(...unpinnedMarkdown(doc), ...warningsMarkdown(doc))

  const models = modelTables(doc)
  lines.push('', '## Models', '')
  for (const { study, head, rows } of models) {
    if (models.length > 1) lines.push(`### ${study}`, '')
    lines.push(...table(head, rows), '')
  }
  if (models.some(m => m.phases)) {
    lines.push(
      'Throughput per phase is tinybench\'s tokens/s for the model\'s own workload, the median over its cases (each case times it once); per case in "Cases" below.',
    )
  }

  const accuracyCells = doc.cases.flatMap(c =>
    Object.entries(c.record?.metrics ?? {})
      .filter(([m]) => c.record && metricKind(c.record, m) === 'accuracy')
      .map(([metric, v]) => ({ c, metric, v })),
  )
  if (accuracyCells.length) {
    const columns = [...new Set(accuracyCells.map(a => `${a.c.task} ${a.metric}`))].sort()
    const rowKeys = summarizeModels(doc).map(m => [m.study, m.model] as const)
    lines.push('', '## Accuracy (± stderr)', '')
    lines.push(
      ...table(
        ['model', ...columns],
        rowKeys.map(([study, model]) => [
          model,
          ...columns.map(col => {
            const cell = accuracyCells.find(a => a.c.study === study && a.c.model === model && `${a.c.task} ${a.metric}` === col)
            return cell ? `${cell.v.value.toFixed(4)}${cell.v.stderr === undefined ? '' : ` ± ${cell.v.stderr.toFixed(4)}`}` : '–'
          }),
        ]),
      ),
    )
  }
  const paired = pairedSection(doc)
  if (paired) lines.push('', paired.trim())

  lines.push('', '## Cases', '')
  lines.push(
    ...table(
      [
        'case',
        'state',
        'metrics',
        'n',
        'truncated',
        'scoring tok/s',
        'prefill tok/s',
        'decode tok/s (KV)',
        'decode tok/s (no cache)',
        'p50 / p99 ms',
        'peak RSS',
        'wall s',
      ],
      doc.cases.map(c => {
        const r = c.record
        const t = r?.throughput
        const metrics = Object.entries(r?.metrics ?? {})
          .map(([k, v]) => `${k} ${v.value.toFixed(4)}`)
          .join(', ')
        return [
          `${c.study}: ${c.name}`,
          `${c.state === 'passed' ? '✅' : c.state === 'failed' ? '❌' : '⏭️'} ${c.state}${c.resumed ? ' (resumed)' : ''}`,
          metrics || '–',
          r ? String(r.n) : '–',
          formatTruncation(r?.truncation),
          fixed(t?.scoring?.tokensPerSecond, 1),
          fixed(t?.prefill?.tokensPerSecond, 1),
          fixed(t?.decodeCached?.tokensPerSecond, 1),
          fixed(t?.decodeNoCache?.tokensPerSecond, 1),
          t?.scoring ? `${t.scoring.p50Ms.toFixed(2)} / ${t.scoring.p99Ms.toFixed(2)}` : '–',
          formatBytes(r?.resources.peakRssBytes),
          r ? (r.timing.caseMs / 1000).toFixed(2) : '–',
        ]
      }),
    ),
  )

  const failures = doc.cases.flatMap(c => c.bands.filter(b => !b.pass).map(b => bandFailureMessage(c, b)))
  const bandsDeclared = doc.cases.flatMap(c => c.bands.map(b => ({ c, b })))
  if (bandsDeclared.length) {
    lines.push('', `## Bands: ${failures.length ? `${failures.length} outside` : 'all within'}`, '')
    lines.push(...failures.map(f => `- ❌ ${f}`))
    if (!failures.length) lines.push(`All ${bandsDeclared.length} bands hold (e.g. ${bandsDeclared[0]!.b.metric} ${formatBand(bandsDeclared[0]!.b.band)}).`)
  }

  if (extras.baseline) lines.push('', extras.baseline.trim())
  if (extras.scaling) lines.push('', extras.scaling.trim())
  if (extras.plots?.length) {
    lines.push('', '## Plots', '')
    for (const plot of extras.plots) lines.push(`![${plot.title}](${plot.file})`)
  }
  return `${lines.join('\n')}\n`
}
