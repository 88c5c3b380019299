/** Plain-text tables and PASS/FAIL lines for the benchmark's output. */

/** Columns padded to their widest cell, separated by two spaces; the first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map(row => (row[c] ?? '').length)))
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd()
  return [line(rows[0]!), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

export interface AcceptanceLine {
  readonly claim: string
  readonly measured: string
  readonly pass: boolean
}

export function formatAcceptance(lines: readonly AcceptanceLine[]): string {
  return lines.map(line => `${line.pass ? 'PASS' : 'FAIL'}  ${line.claim}: ${line.measured}`).join('\n')
}

/** A number with `digits` decimals, or '—' when it is not finite. */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—'
}
