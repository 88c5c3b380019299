/** The line the console prints when a case ends: verdict, case, headline metric with its band, time. */
import { formatBand } from '../core/bands.ts'
import type { CaseEntry } from '../core/schema.ts'

/** The metric a reader looks at first: the first one with a band, else the first the task declares. */
export function headlineMetric(entry: CaseEntry): string | undefined {
  const record = entry.record
  if (!record) return undefined
  const banded = entry.bands.find(b => b.metric in record.metrics)?.metric
  return banded ?? Object.keys(record.task.metrics).find(m => m in record.metrics)
}

const marks: Record<CaseEntry['state'], string> = { passed: '✓', failed: '×', skipped: '↓', pending: '…' }

export function caseLine(entry: CaseEntry): string {
  const record = entry.record
  const parts = [`[lmscale] ${marks[entry.state]} ${entry.study}: ${entry.name}`]
  const metric = headlineMetric(entry)
  if (record && metric) {
    const { value, stderr } = record.metrics[metric]!
    const band = entry.bands.find(b => b.metric === metric)
    const verdict = band ? `  band ${formatBand(band.band)} ${band.pass ? 'within' : 'OUTSIDE'}` : '  no band'
    parts.push(`${metric} ${value.toPrecision(5)}${stderr === undefined ? '' : ` ± ${stderr.toPrecision(2)}`}${verdict}`)
    const outside = entry.bands.filter(b => !b.pass && b.metric !== metric).map(b => b.metric)
    if (outside.length) parts.push(`also outside: ${outside.join(', ')}`)
    parts.push(`n ${record.n}`, entry.resumed ? 'resumed' : `${(record.timing.caseMs / 1000).toFixed(1)} s`)
  } else if (entry.errors.length) {
    parts.push(entry.errors[0]!.split('\n')[0]!)
  }
  return parts.join('  ')
}
