/**
 * report.md's "Per-item scores by size": for each multiple-choice task of a study, every mean metric per model with
 * its 95% interval, then each step up in size as a paired difference over the same items (cluster bootstrap
 * interval) with the smallest difference that step could detect at 80% power. Near chance, 0/1 accuracy can sit
 * flat while the continuous scores rise; the paired intervals say which rises the data can tell.
 */
import { decodeBits, decodeFloats } from '../core/bitset.ts'
import type { CaseEntry, ResultsDocument } from '../core/schema.ts'
import { normalQuantile } from '../statistics/normal.ts'
import { pairedSummary } from '../statistics/paired-summary.ts'

const Z95 = normalQuantile(0.975)

function perItem(entry: CaseEntry, metric: string): number[] | undefined {
  const items = entry.items
  if (!items) return undefined
  const where = `${entry.name} items`
  if (items.correct[metric] !== undefined) return decodeBits(items.correct[metric], items.n, `${where}.correct.${metric}`).map(Number)
  if (items.values?.[metric] !== undefined) return decodeFloats(items.values[metric], items.n, `${where}.values.${metric}`)
  return undefined
}

function signed(value: number): string {
  return `${value < 0 ? '−' : value > 0 ? '+' : '±'}${Math.abs(value).toPrecision(3)}`
}

function plain(value: number): string {
  return value < 0 ? `−${Math.abs(value).toPrecision(4)}` : value.toPrecision(4)
}

function taskSection(task: string, entries: readonly CaseEntry[]): string[] {
  const record = entries[0]!.record!
  const metrics = Object.entries(record.task.metrics).filter(([, info]) => info.aggregation === 'mean')
  const clusters = entries[0]!.items?.clusters
  const lines = [`#### ${task}${record.task.clusterKey ? ` (items clustered by ${record.task.clusterKey})` : ''}`, '']
  lines.push(`| metric | better | ${entries.map(e => e.model).join(' | ')} |`, `|---|---|${entries.map(() => '---').join('|')}|`)
  for (const [metric, info] of metrics) {
    const cells = entries.map(e => {
      const v = e.record!.metrics[metric]
      if (!v) return '–'
      return v.stderr === undefined ? plain(v.value) : `${plain(v.value)} [${plain(v.value - Z95 * v.stderr)}, ${plain(v.value + Z95 * v.stderr)}]`
    })
    lines.push(`| ${metric} | ${info.direction} | ${cells.join(' | ')} |`)
  }
  const steps = entries.slice(1).map((e, i) => [entries[i]!, e] as const)
  if (steps.length) {
    lines.push(
      '',
      'Each step up in size, paired over the same items: difference [95% cluster bootstrap interval] (detectable at 80% power). ✔ marks an interval that excludes zero.',
      '',
    )
    lines.push(`| metric | ${steps.map(([a, b]) => `${a.model} → ${b.model}`).join(' | ')} |`, `|---|${steps.map(() => '---').join('|')}|`)
    for (const [metric, info] of metrics) {
      const cells = steps.map(([a, b]) => {
        const before = perItem(a, metric)
        const after = perItem(b, metric)
        if (!before || !after || before.length !== after.length) return '–'
        const { interval, mde } = pairedSummary(before, after, { binary: info.kind === 'accuracy', ...(clusters ? { clusters } : {}) })
        const clear = interval.low > 0 || interval.high < 0 ? ' ✔' : ''
        return `${signed(interval.difference)} [${signed(interval.low)}, ${signed(interval.high)}]${mde === undefined ? '' : ` (±${mde.toPrecision(2)})`}${clear}`
      })
      lines.push(`| ${metric} | ${cells.join(' | ')} |`)
    }
  }
  return [...lines, '']
}

/** The section, or undefined when no study has a multiple-choice task with per-item records. */
export function pairedSection(doc: ResultsDocument): string | undefined {
  const out: string[] = []
  for (const study of [...new Set(doc.cases.map(c => c.study))]) {
    const byTask = new Map<string, CaseEntry[]>()
    for (const entry of doc.cases) {
      if (entry.study !== study || entry.record?.task.kind !== 'multiple_choice' || !entry.items) continue
      byTask.set(entry.task, [...(byTask.get(entry.task) ?? []), entry])
    }
    if (!byTask.size) continue
    out.push(`### ${study}`, '')
    for (const [task, entries] of byTask) out.push(...taskSection(task, entries))
  }
  return out.length ? ['## Per-item scores by size', '', ...out].join('\n') : undefined
}
