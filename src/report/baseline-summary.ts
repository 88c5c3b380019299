/** The console lines the reporter prints about the baseline gate. */
import { relative } from 'node:path'
import { formatComparison } from './format-comparison.ts'
import type { BaselineReport } from '../core/comparison.ts'

export function baselineSummary(report: BaselineReport, root: string): string[] {
  const lines: string[] = []
  for (const study of report.studies) {
    const file = relative(root, study.file)
    if (study.status === 'error') lines.push(`[lmscale] baseline error: ${study.error}`)
    else if (study.status === 'missing') lines.push(`[lmscale] baseline ${study.study}: no ${file} yet; create it with \`npx vitest bench --run -u\``)
    else if (study.status === 'updated' && study.written === 0)
      lines.push(`[lmscale] baseline ${study.study}: no case of this run has a result; left ${file} as it was`)
    else if (study.status === 'updated') {
      const replaced = study.replacedUnreadable ? ' (replacing an unreadable file)' : ''
      lines.push(
        `[lmscale] baseline ${study.study}: wrote ${study.written} cases to ${file}${study.kept ? `, kept ${study.kept} not in this run` : ''}${replaced}`,
      )
    } else {
      const count = (verdicts: readonly string[]) => study.comparisons.filter(c => verdicts.includes(c.verdict)).length
      const failing = study.comparisons.filter(c => c.verdict === 'regression' || c.verdict === 'incomparable')
      const exact = study.comparisons.some(c => c.method === 'exact')
      lines.push(
        `[lmscale] baseline ${study.study} (${file}${exact ? ', exact' : ''}): ${study.comparisons.length} comparisons, ` +
          `${count(['regression'])} regressions, ${count(['incomparable'])} incomparable, ${count(['improvement'])} improvements, ${count(['new'])} new, ${count(['unchecked'])} not gated`,
      )
      for (const c of failing) lines.push(`  ✗ ${c.verdict}: ${formatComparison(c)}`)
      // A changed model or dataset does not fail the gate, but it must not pass unnoticed.
      for (const c of study.comparisons.filter(c => c.metric === 'model' || c.metric === 'dataset')) lines.push(`  ! ${c.model} › ${c.task}: ${c.detail}`)
    }
  }
  return lines
}
