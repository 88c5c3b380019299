/** report.md's baseline section: per study, the diff table (baseline → now, change, significance, verdict). */
import { relative } from 'node:path'
import { medianAbsoluteDeviation } from 'simple-statistics'
import type { Comparison, Verdict } from '../core/comparison.ts'
import { formatChange, formatFigure, formatSignificance } from './format-comparison.ts'
import type { BaselineReport } from '../core/comparison.ts'

const verdictLabels: Record<Verdict, string> = {
  regression: '❌ regression',
  incomparable: '❌ incomparable',
  improvement: '⬆️ improvement',
  unchanged: '✅ unchanged',
  unchecked: '➖ unchecked',
  new: '🆕 new',
}

const cell = (text: string) => text.replaceAll('|', '\\|')

export function baselineMarkdown(report: BaselineReport, root: string): string {
  const lines: string[] = []
  for (const study of report.studies) {
    const file = relative(root, study.file)
    lines.push(`## Baseline: ${study.study}`, '')
    if (study.status === 'error') {
      lines.push(`❌ ${cell(study.error ?? 'unreadable baseline')}`, '')
      continue
    }
    if (study.status === 'missing') {
      lines.push(`No baseline yet (\`${file}\`); create it with \`npx vitest bench --run -u\`.`, '')
      continue
    }
    if (study.status === 'updated' && study.written === 0) {
      lines.push(`No case of this run has a result: \`${file}\` was left as it was; nothing was gated.`, '')
      continue
    }
    if (study.status === 'updated') {
      lines.push(`Updated \`${file}\` from ${study.written} cases${study.kept ? ` (kept ${study.kept} not in this run)` : ''}; nothing was gated.`, '')
      continue
    }
    const failing = study.comparisons.filter(c => c.verdict === 'regression' || c.verdict === 'incomparable').length
    const { alpha, perplexityTolerance, throughputTolerance, mode } = report.settings
    lines.push(
      `${failing ? `❌ ${failing} failing` : '✅ no regressions'} against \`${file}\` (mode ${mode}; accuracy: McNemar exact, Holm α = ${alpha}; ` +
        `perplexity ±${perplexityTolerance * 100}%; throughput: ${throughputRule(throughputTolerance, report.settings.gateThroughput)}).`,
      '',
    )
    const scatter = throughputScatter(study.comparisons)
    if (scatter) lines.push(scatter, '')
    // What the gate judged different stays in view; rows no rule judged and unchanged rows fold away, so a
    // pull-request comment stays short.
    const shown = study.comparisons
      .filter(c => verdictOrder.includes(c.verdict))
      .sort((a, b) => verdictOrder.indexOf(a.verdict) - verdictOrder.indexOf(b.verdict))
    if (shown.length) lines.push(...diffTable(shown), '')
    for (const verdict of folded) {
      const rows = study.comparisons.filter(c => c.verdict === verdict)
      if (rows.length) lines.push('<details>', `<summary>${rows.length} ${foldedLabels[verdict]}</summary>`, '', ...diffTable(rows), '', '</details>', '')
    }
  }
  return lines.join('\n')
}

const verdictOrder: readonly Verdict[] = ['regression', 'incomparable', 'improvement', 'new']
const folded = ['unchecked', 'unchanged'] as const satisfies readonly Verdict[]
const foldedLabels: Record<(typeof folded)[number], string> = { unchecked: 'not gated (no rule could judge them)', unchanged: 'unchanged' }

function diffTable(comparisons: readonly Comparison[]): string[] {
  return [
    '| case | metric | baseline | now | change | significance | verdict |',
    '|---|---|---|---|---|---|---|',
    ...comparisons.map(
      c =>
        `| ${cell(`${c.model} › ${c.task}`)} | ${cell(c.metric)} | ${formatFigure(c.baseline)} | ${formatFigure(c.current)} | ${cell(formatChange(c))} | ${cell(formatSignificance(c))} | ${verdictLabels[c.verdict]} |`,
    ),
  ]
}

function throughputRule(tolerance: number, gated: boolean): string {
  const beyond = `a slowdown whose calibrated 95% interval lies wholly beyond ${tolerance * 100}%`
  return gated ? `${beyond}, in two measurements` : `${beyond} is reported, not gated (the gate is off: LMSCALE_GATE_THROUGHPUT=1 turns it on)`
}

/** Fewest calibrated ratios whose spread the report states: a median absolute deviation of fewer says little. */
const MIN_SCATTER_RATIOS = 5

/**
 * How far this run's calibrated throughput ratios spread around their median, as a robust SD of their logarithms
 * (1.4826 × the median absolute deviation, which a few real changes hardly move). Each phase's interval covers
 * only the scatter of its own rounds, not the drift between measurements (measured in one unchanged idle rerun
 * of the default study: 7 of its 28 intervals left out ×1 while the ratios spread with an SD of 0.23).
 */
export function throughputScatter(comparisons: readonly Comparison[]): string | undefined {
  const logs = comparisons.flatMap(c => (c.method === 'calibrated-ratio' && c.change !== null ? [Math.log1p(c.change)] : []))
  if (logs.length < MIN_SCATTER_RATIOS) return undefined
  const sd = 1.4826 * medianAbsoluteDeviation(logs)
  const times = (x: number) => `×${Math.exp(x).toFixed(2)}`
  return (
    `Throughput scatter: this run's ${logs.length} calibrated ratios spread with a robust SD of ${sd.toFixed(3)} in log (one SD ${times(-sd)}–${times(sd)}). ` +
    `Each phase's 95% interval covers only its own rounds, not this spread; if nothing changed it is measurement noise, and a phase reading down to ${times(-2 * sd)} (two SDs) is within it.`
  )
}
