/**
 * report.md's "Per-item scores by size": for each multiple-choice task of a study, every mean metric per model with
 * its 95% interval, then each step up in size as a paired difference over the same items (cluster bootstrap
 * interval) with the smallest difference that step could detect at 80% power. Near chance, 0/1 accuracy can sit
 * flat while the continuous scores rise; the paired intervals say which rises the data can tell. For perplexity
 * tasks, each step's perplexity ratio with its paired interval over the same documents or windows.
 */
import { decodeBits, decodeFloats } from '../core/bitset.ts'
import { type CaseEntry, DIGEST_UNIT_VALUES, type ResultsDocument } from '../core/schema.ts'
import { normalQuantile } from '../statistics/normal.ts'
import { documentPerplexityRatio, pairedSummary, windowPerplexityRatio } from '../statistics/paired-summary.ts'

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

/** The step's perplexity ratio (larger over smaller model) with its paired 95% interval, or why there is none. */
function ratioCell(a: CaseEntry, b: CaseEntry, unit: keyof typeof DIGEST_UNIT_VALUES): string {
  const units = DIGEST_UNIT_VALUES[unit]
  const decode = (entry: CaseEntry, name: string) => {
    const items = entry.items
    const values = items?.values?.[name]
    return items && values !== undefined ? decodeFloats(values, items.n, `${entry.name} items.values.${name}`) : undefined
  }
  const [before, after, beforeUnits, afterUnits] = [decode(a, 'nll'), decode(b, 'nll'), decode(a, units), decode(b, units)]
  if (!before || !after || !beforeUnits || !afterUnits || before.length !== after.length) return '–'
  if (beforeUnits.some((u, i) => u !== afterUnits[i])) return `other ${units} (another tokenizer)`
  const windows = unit === 'token' ? windowPerplexityRatio(before, after, afterUnits) : undefined
  const interval = unit === 'token' ? windows : documentPerplexityRatio(before, after, afterUnits)
  if (!interval) return '–'
  const clear = interval.low > 1 || interval.high < 1 ? ' ✔' : ''
  const ends = (v: number) => `×${v.toFixed(4)}`
  return `${ends(interval.ratio)} [${ends(interval.low)}, ${ends(interval.high)}]${windows ? ` (ρ₁ ${windows.lag1 < 0 ? '−' : ''}${Math.abs(windows.lag1).toFixed(2)})` : ''}${clear}`
}

function perplexitySection(task: string, entries: readonly CaseEntry[]): string[] {
  const record = entries[0]!.record!
  const metrics = Object.entries(record.task.metrics).filter(([, info]) => info.kind === 'perplexity' && info.unit !== undefined)
  const over = record.task.kind === 'token_perplexity' ? 'windows of one text' : 'documents'
  const lines = [`#### ${task}`, '']
  lines.push(`| metric | ${entries.map(e => e.model).join(' | ')} |`, `|---|${entries.map(() => '---').join('|')}|`)
  for (const [metric] of metrics)
    lines.push(`| ${metric} | ${entries.map(e => (e.record!.metrics[metric] ? plain(e.record!.metrics[metric].value) : '–')).join(' | ')} |`)
  const steps = entries.slice(1).map((e, i) => [entries[i]!, e] as const)
  if (steps.length) {
    const dependence =
      record.task.kind === 'token_perplexity'
        ? " The windows' losses are correlated with their neighbours' (lag-1 correlation ρ₁): the interval allows for it (prewhitened long-run variance)."
        : ''
    lines.push(
      '',
      `Each step up in size, paired over the same ${over}: ratio of perplexities [95% interval].${dependence} ✔ marks an interval that excludes 1.`,
      '',
      `| metric | ${steps.map(([a, b]) => `${a.model} → ${b.model}`).join(' | ')} |`,
      `|---|${steps.map(() => '---').join('|')}|`,
    )
    for (const [metric, info] of metrics) lines.push(`| ${metric} | ${steps.map(([a, b]) => ratioCell(a, b, info.unit!)).join(' | ')} |`)
  }
  return [...lines, '']
}

/** The section, or undefined when no study has a case with per-item records. */
export function pairedSection(doc: ResultsDocument): string | undefined {
  const out: string[] = []
  for (const study of [...new Set(doc.cases.map(c => c.study))]) {
    const byTask = new Map<string, CaseEntry[]>()
    for (const entry of doc.cases) {
      if (entry.study !== study || !entry.record || !entry.items) continue
      byTask.set(entry.task, [...(byTask.get(entry.task) ?? []), entry])
    }
    if (!byTask.size) continue
    out.push(`### ${study}`, '')
    for (const [task, entries] of byTask) out.push(...(entries[0]!.record!.task.kind === 'multiple_choice' ? taskSection : perplexitySection)(task, entries))
  }
  return out.length ? ['## Per-item scores by size', '', ...out].join('\n') : undefined
}
