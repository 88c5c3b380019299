/** Plain-text renderings of comparisons, shared by the console, JUnit and report.md. */
import type { Comparison } from '../core/comparison.ts'

/** Enough digits to see a change in the fourth significant place; integers as they are. */
export function formatFigure(value: number | null): string {
  if (value === null) return '–'
  if (Number.isInteger(value)) return String(value)
  const magnitude = Math.abs(value)
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? value.toExponential(4) : value.toPrecision(6)
}

export function formatChange(c: Comparison): string {
  // A figure no rule judged still shows how far it moved, plainly marked as uncalibrated.
  if (c.change === null) {
    if (c.baseline === null || c.current === null || c.baseline === 0) return '–'
    const relative = (c.current - c.baseline) / Math.abs(c.baseline)
    return `${relative > 0 ? '+' : relative < 0 ? '−' : '±'}${Math.abs(relative * 100).toFixed(1)}% (raw)`
  }
  const sign = c.change > 0 ? '+' : c.change < 0 ? '−' : '±'
  if (c.method === 'calibrated-ratio') return `${sign}${Math.abs(c.change * 100).toFixed(1)}% (calibrated)`
  const relative = c.baseline ? ` (${sign}${Math.abs((c.change / c.baseline) * 100).toFixed(2)}%)` : ''
  return `${sign}${formatFigure(Math.abs(c.change))}${relative}`
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4)
}

/** The test and its figures: what made the verdict. */
export function formatSignificance(c: Comparison): string {
  if (c.method === 'mcnemar' || c.method === 'unpaired-z' || c.method === 'paired-bootstrap') {
    const test = c.method === 'mcnemar' ? 'McNemar exact' : c.method === 'paired-bootstrap' ? 'paired z' : 'z-test'
    const holm = c.adjustedP === undefined ? '' : `, Holm-adjusted ${formatP(c.adjustedP)}`
    return `${test} p = ${formatP(c.pValue!)}${holm}; ${c.detail}`
  }
  return c.detail
}

/** One line naming model, task, metric, baseline → now, change and significance. */
export function formatComparison(c: Comparison): string {
  return `${c.model} › ${c.task} ${c.metric}: ${formatFigure(c.baseline)} → ${formatFigure(c.current)}, ${formatChange(c)}; ${formatSignificance(c)}`
}
