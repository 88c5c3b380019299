/**
 * reports/index.html: one self-contained page (the chart libraries inlined, no request at view time) built
 * from the run's results and its baseline comparison: the charts of plots.ts with hover, legend toggles and
 * zoom, the model table, and the baseline diff with the documents behind each flagged accuracy.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { BaselineReport, Comparison, Verdict } from '../core/comparison.ts'
import type { ResultsDocument } from '../core/schema.ts'
import { formatChange, formatFigure, formatSignificance } from './format-comparison.ts'
import { modelTables } from './markdown.ts'
import type { PlotSpec } from './plots.ts'

/** One document whose correctness flipped between the baseline and this run. */
export interface FlippedDocument {
  readonly index: number
  readonly direction: 'right→wrong' | 'wrong→right'
  readonly prompt: string
  readonly choices: readonly string[]
  readonly gold: number
  /** The choice the metric picked in the baseline and now; null where the records do not say which. */
  readonly before: number | null
  readonly after: number | null
}

/** The flipped documents of one flagged comparison, or why their text is not available. */
export interface FlippedDocuments {
  readonly study: string
  readonly model: string
  readonly task: string
  readonly metric: string
  readonly documents: readonly FlippedDocument[]
  /** Flips not listed (the page lists at most a few dozen per comparison). */
  readonly omitted: number
  /** Set when the documents could not be looked up; the indices are still in the comparison. */
  readonly unavailable?: string
  /** What `before` and `after` are known from, in words. */
  readonly choiceNote?: string
}

export interface HtmlReportInput {
  readonly doc: ResultsDocument
  readonly plots: readonly PlotSpec[]
  /** Per study, the scaling statement in words (plots.ts scalingStatement). */
  readonly statements: readonly { readonly study: string; readonly text: string }[]
  readonly baseline?: BaselineReport | undefined
  readonly flipped?: readonly FlippedDocuments[]
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)

/** JSON inside <script>: `<` escaped so no string can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

/** The chart libraries' browser builds, from the installed packages (read once per process). */
let libraries: string | undefined
function chartLibraries(): string {
  if (libraries) return libraries
  const require = createRequire(import.meta.url)
  // Each package's entry point lives in its build/ folder, beside the minified browser bundle.
  const build = (pkg: string, file: string) => readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8')
  libraries = [build('vega', 'vega.min.js'), build('vega-lite', 'vega-lite.min.js'), build('vega-embed', 'vega-embed.min.js')]
    .map(source => `<script>${source.replace(/<\/script/gi, '<\\/script')}</script>`)
    .join('\n')
  return libraries
}

const chartId = (plot: PlotSpec) => `chart-${plot.file.replace(/\.svg$/, '').replace(/[^\w-]+/g, '-')}`

function modelTable(doc: ResultsDocument): string {
  return modelTables(doc)
    .map(({ study, head, rows }) => `<h3>${escapeHtml(study)}</h3>${table(head, rows)}`)
    .join('\n')
}

function table(head: readonly string[], rows: readonly (readonly string[])[], rowClass: (i: number) => string = () => ''): string {
  const th = head.map(h => `<th>${escapeHtml(h)}</th>`).join('')
  const body = rows.map((r, i) => `<tr class="${rowClass(i)}">${r.map(c => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`
}

const verdictLabels: Record<Verdict, string> = {
  // Text symbols, not emoji: a browser without an emoji font shows emoji as empty boxes.
  regression: '✗ regression',
  incomparable: '✗ incomparable',
  improvement: '↑ improvement',
  unchanged: '✓ unchanged',
  unchecked: '– not gated',
  new: 'new',
}

const comparisonRow = (c: Comparison) => [
  `${c.model} › ${c.task}`,
  c.metric,
  formatFigure(c.baseline),
  formatFigure(c.current),
  formatChange(c),
  formatSignificance(c),
  verdictLabels[c.verdict],
]

const diffHead = ['case', 'metric', 'baseline', 'now', 'change', 'significance', 'verdict']

function flippedList(flips: FlippedDocuments): string {
  const heading = `${flips.model} › ${flips.task} ${flips.metric}: documents that flipped`
  if (flips.unavailable) return `<div class="flips"><h4>${escapeHtml(heading)}</h4><p>${escapeHtml(flips.unavailable)}</p></div>`
  const choiceName = (choice: number | null) => (choice === null ? 'unknown (not the gold choice)' : String.fromCharCode(65 + choice))
  const items = flips.documents
    .map(doc => {
      const choices = doc.choices
        .map((text, i) => {
          const marks = [i === doc.gold ? 'gold' : '', i === doc.before ? 'baseline' : '', i === doc.after ? 'now' : ''].filter(Boolean)
          return `<li class="${marks.join(' ')}"><b>${String.fromCharCode(65 + i)}</b> ${escapeHtml(text)}${marks.length ? ` <span class="tag">${marks.join(', ')}</span>` : ''}</li>`
        })
        .join('')
      return (
        `<li class="flip ${doc.direction === 'right→wrong' ? 'worse' : 'better'}" data-index="${doc.index}">` +
        `<div><b>#${doc.index}</b> ${escapeHtml(doc.direction)} · gold ${choiceName(doc.gold)} · baseline ${choiceName(doc.before)} · now ${choiceName(doc.after)}</div>` +
        `<pre class="prompt">${escapeHtml(doc.prompt)}</pre><ol class="choices">${choices}</ol></li>`
      )
    })
    .join('\n')
  const omitted = flips.omitted ? `<p>${flips.omitted} more not listed.</p>` : ''
  const note = flips.choiceNote ? `<p class="note">${escapeHtml(flips.choiceNote)}</p>` : ''
  return `<details class="flips" open><summary>${escapeHtml(heading)} (${flips.documents.length + flips.omitted})</summary>${note}<ul>${items}</ul>${omitted}</details>`
}

function baselineSection(report: BaselineReport | undefined, flipped: readonly FlippedDocuments[]): string {
  if (!report) return ''
  const parts = report.studies.map(study => {
    const heading = `<h3>${escapeHtml(study.study)}</h3>`
    if (study.status !== 'compared')
      return `${heading}<p>${escapeHtml(study.status === 'error' ? (study.error ?? 'unreadable baseline') : `baseline ${study.status}`)}</p>`
    const judged = study.comparisons.filter(c => ['regression', 'incomparable', 'improvement', 'new'].includes(c.verdict))
    const folded = (['unchecked', 'unchanged'] as const).map(verdict => ({ verdict, rows: study.comparisons.filter(c => c.verdict === verdict) }))
    const lists = flipped.filter(f => f.study === study.study).map(flippedList)
    return [
      heading,
      judged.length ? table(diffHead, judged.map(comparisonRow), i => judged[i]!.verdict) : '<p>No comparison changed beyond noise.</p>',
      ...lists,
      ...folded
        .filter(f => f.rows.length)
        .map(f => `<details><summary>${f.rows.length} ${verdictLabels[f.verdict]}</summary>${table(diffHead, f.rows.map(comparisonRow))}</details>`),
    ].join('\n')
  })
  return `<section id="baseline"><h2>Baseline diff</h2>${parts.join('\n')}</section>`
}

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px 48px;color:#222}
h1{margin-top:24px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:36px}
nav a{margin-right:12px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}tr.regression td,tr.incomparable td{background:#fdecea}tr.improvement td{background:#eaf6ea}
.caption{color:#555;max-width:820px}.statement{font-size:16px}.chart{margin:8px 0 16px}
.flips{margin:12px 0;padding:8px 12px;border:1px solid #e0e0e0;border-radius:4px}.flips ul{list-style:none;padding:0;max-height:560px;overflow:auto}
.flip{margin:10px 0;padding:6px 8px;border-left:4px solid #999}.flip.worse{border-color:#d9534f}.flip.better{border-color:#5cb85c}
.prompt{white-space:pre-wrap;background:#f7f7f7;padding:6px;margin:4px 0}.choices{list-style:none;padding-left:8px;margin:0}
.choices li.gold{font-weight:600}.tag{font-size:11px;background:#eee;border-radius:3px;padding:0 4px;margin-left:4px}.note{color:#555}
.error{color:#b00}
`

export function htmlReport(input: HtmlReportInput): string {
  const { doc, plots } = input
  const passed = doc.cases.filter(c => c.state === 'passed').length
  const failed = doc.cases.filter(c => c.state === 'failed').length
  const charts = plots.map(plot => ({ id: chartId(plot), spec: plot.spec(true) }))
  const section = (plot: PlotSpec) =>
    `<section><h2 id="${chartId(plot)}-title">${escapeHtml(plot.title)}</h2><p class="caption">${escapeHtml(plot.caption)}</p><div class="chart" id="${chartId(plot)}"></div></section>`
  const statements = input.statements.map(s => `<p class="statement"><b>${escapeHtml(s.study)}:</b> ${escapeHtml(s.text)}</p>`).join('\n')
  const nav = [
    ...plots.map(p => `<a href="#${chartId(p)}-title">${escapeHtml(p.title)}</a>`),
    '<a href="#models">Models</a>',
    ...(input.baseline ? ['<a href="#baseline">Baseline diff</a>'] : []),
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lmscale report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<style>${style}</style></head><body>
<h1>lmscale report</h1>
<p>${doc.cases.length} cases: ${passed} passed, ${failed} failed · Vitest ${escapeHtml(doc.vitest.version)} (${escapeHtml(doc.vitest.mode)} mode) · generated ${escapeHtml(doc.generatedAt)}</p>
<nav>${nav.join('')}</nav>
${statements}
${plots.map(section).join('\n')}
<section id="models"><h2>Models</h2>${modelTable(doc)}</section>
${baselineSection(input.baseline, input.flipped ?? [])}
${chartLibraries()}
<script type="application/json" id="lmscale-charts">${scriptJson(charts)}</script>
<script>
window.lmscaleViews = {}
window.lmscaleReady = Promise.all(JSON.parse(document.getElementById('lmscale-charts').textContent).map(function (chart) {
  return vegaEmbed('#' + chart.id, chart.spec, { renderer: 'svg', actions: false }).then(function (result) {
    window.lmscaleViews[chart.id] = result.view
  }, function (error) {
    document.getElementById(chart.id).innerHTML = '<p class="error">This chart failed to render: ' + String(error).replace(/</g, '&lt;') + '</p>'
    console.error(error)
  })
}))
</script>
</body></html>
`
}
