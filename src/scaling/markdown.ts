// The "Scaling" section of report.md, rendered from an analyzeScaling result (no fitting here).
import type { ConventionAnalysis, Estimate, NestedBootstrapResult, ScalingAnalysis, TaskScaling } from './analysis-types.ts'
import { GOODNESS_OF_FIT_ALPHA } from './goodness-of-fit.ts'
import { LOSS_FORMS, LOSS_FORM_NAMES, type LossForm } from './loss-forms.ts'

const FORM_TITLES: Record<LossForm, string> = {
  logLinear: 'log-linear (PPL power law)',
  powerLaw: 'pure power law in loss',
  saturating: 'saturating E + A·N^−α',
}

function num(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return value.toFixed(digits).replace(/^-/, '−')
}

function sci(value: number): string {
  if (value >= 1e9) return `${num(value / 1e9, 2)}B`
  if (value >= 1e6) return `${num(value / 1e6, 1)}M`
  if (value >= 1e3) return `${num(value / 1e3, 1)}k`
  return num(value, 0)
}

function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)}%`
}

function interval(i: [number, number] | null, digits = 3): string {
  return i === null ? '—' : `[${num(i[0], digits)}, ${num(i[1], digits)}]`
}

function estimate(e: Estimate, digits = 4): string {
  return e.se === null ? num(e.estimate, digits) : `${num(e.estimate, digits)} ± ${num(e.se, digits)}`
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.join(' | ')} |`)].join('\n')
}

/**
 * The saturating α's estimate and interval. When E is not identifiable, any α is conditional on an assumed E:
 * the headline then gives the range over E's profile set, as the identifiability statement does, not a
 * bootstrap interval that understates it.
 */
function saturatingAlphaCells(c: ConventionAnalysis): [string, string] {
  const alpha = c.saturatingLaw.lossExponentAlpha
  const range = c.irreducibleProfile.alphaRange
  if (!c.irreducibleProfile.identifiable && range) {
    return [
      `${num(range[0], 3)}–${num(range[1], 3)} (depends on E)`,
      `E not identifiable: α over E's ${Math.round(c.irreducibleProfile.level * 100)}% profile set`,
    ]
  }
  return [estimate(alpha, 3), `${interval(alpha.interval)} (${alpha.intervalMethod})`]
}

function lawsTable(c: ConventionAnalysis): string {
  const ppl = c.perplexityLaw
  const pow = c.lossPowerLaw
  const sat = c.saturatingLaw
  const huber = sat.huberCrossCheck
  const flags = Object.entries(huber.onBoundary)
    .filter(([, on]) => on)
    .map(([name]) => name)
  const satNote = [sat.fit.converged ? 'converged' : 'NOT converged', ...(sat.fit.irreducibleAtZero ? ['E at its bound 0'] : [])].join('; ')
  const huberNote = [
    huber.converged ? 'converged' : 'NOT converged',
    `${huber.startsReachingBest}/${huber.starts} starts agree`,
    ...flags.map(f => `boundary: ${f}`),
    huber.agrees ? 'agrees' : 'DISAGREES',
  ].join('; ')
  return table(
    ['law', 'fitted form', 'quantity', 'estimate ± SE', 'interval', 'fit'],
    [
      [
        "log PPL vs log N (prior study's method)",
        `PPL = ${num(ppl.prefactor, 1)}·N^${num(ppl.perplexitySlope.estimate, 4)}`,
        'perplexity slope d ln PPL / d ln N',
        estimate(ppl.perplexitySlope),
        `${interval(ppl.perplexitySlope.interval)} (${ppl.perplexitySlope.intervalMethod})`,
        `R² ${num(ppl.rSquared, 4)}`,
      ],
      [
        'pure power law in loss',
        `L = ${num(pow.coefficientA, 2)}·N^−${num(pow.lossExponentAlpha.estimate, 4)}`,
        'loss exponent α',
        estimate(pow.lossExponentAlpha),
        `${interval(pow.lossExponentAlpha.interval)} (${pow.lossExponentAlpha.intervalMethod})`,
        `R² ${num(pow.rSquared, 4)}`,
      ],
      [
        'saturating law in loss (least squares on ln L, variable projection)',
        `L = ${num(sat.irreducibleLoss.estimate, 3)} + ${num(sat.coefficientA.estimate, 1)}·N^−${num(sat.lossExponentAlpha.estimate, 3)}`,
        'loss exponent α',
        ...saturatingAlphaCells(c),
        satNote,
      ],
      [
        `cross-check: the same law by Huber δ = ${huber.delta} on ln L`,
        `L = ${num(huber.E, 3)} + ${num(huber.A, 1)}·N^−${num(huber.alpha, 3)}`,
        'loss exponent α',
        num(huber.alpha, 3),
        '—',
        huberNote,
      ],
    ],
  )
}

function profileTable(c: ConventionAnalysis): string {
  const p = c.irreducibleProfile
  const count = p.points.length
  // A readable subset: round E values (e.g. those requested in options.profileE) plus about eight grid
  // points, skipping grid points that sit next to a round value.
  const isRound = (E: number) => Math.abs(E * 10 - Math.round(E * 10)) < 1e-9
  const round = p.points.filter(pt => isRound(pt.E))
  const step = Math.max(1, Math.floor(count / 8))
  const shown = p.points.filter((pt, i) => isRound(pt.E) || ((i % step === 0 || i === count - 1) && round.every(r => Math.abs(r.E - pt.E) > 0.02)))
  return table(
    ['E (nats)', 'α (least squares)', 'α (OLS of ln(L−E))', 'R² of ln(L−E)', 'SSE of ln L', `in ${Math.round(p.level * 100)}% set`],
    shown.map(pt => [
      num(pt.E, 3),
      num(pt.alpha, 3),
      num(pt.alphaLogLinear, 3),
      num(pt.rSquaredLogLinear, 4),
      pt.sse.toExponential(2),
      pt.inConfidenceSet === null ? '—' : pt.inConfidenceSet ? 'yes' : 'no',
    ]),
  )
}

function extrapolationTables(c: ConventionAnalysis): string {
  const loo = c.extrapolation.leaveOneOut
  const looRows = c.order.map((id, i) => [id, sci(c.params[i]!), ...LOSS_FORM_NAMES.map(f => percent(loo[f]?.[i]?.perplexityRelativeError))])
  const rollRows = c.order.slice(2).map((id, j) => {
    const i = j + 2
    return [id, sci(c.params[i]!), ...LOSS_FORM_NAMES.map(f => percent(c.extrapolation.forwardRollout[f].find(r => r.heldOut === i)?.perplexityRelativeError))]
  })
  const header = ['held-out model', 'N', ...LOSS_FORM_NAMES.map(f => FORM_TITLES[f])]
  return [
    'Leave-one-out perplexity errors, (predicted − actual)/actual; the first and last rows are extrapolations:',
    '',
    table(header, looRows),
    '',
    'Forward rollout (fit the smaller models only, predict the next one up):',
    '',
    table(header, rollRows),
  ].join('\n')
}

function comparisonTable(c: ConventionAnalysis): string {
  const rows = c.formComparison.rows.map(r => [
    FORM_TITLES[r.form],
    LOSS_FORMS[r.form].formula,
    String(r.k),
    num(r.logLikelihood, 2),
    num(r.aicc, 2),
    num(r.deltaAicc, 2),
    num(r.akaikeWeight, 2),
  ])
  return [table(['form', 'formula', 'k', 'log-lik (ln L)', 'AICc', 'ΔAICc', 'weight'], rows), '', c.formComparison.note].join('\n')
}

function predictionsTable(c: ConventionAnalysis): string {
  if (c.predictions.length === 0) return ''
  const exp = (i: [number, number] | null): [number, number] | null => i && [Math.exp(i[0]), Math.exp(i[1])]
  const rows = c.predictions.flatMap(p =>
    LOSS_FORM_NAMES.map(f => {
      const q = p.forms[f]
      return [
        sci(p.params),
        FORM_TITLES[f],
        num(q.loss, 3),
        interval(q.lossInterval),
        interval(q.newModelLossInterval),
        num(q.perplexity, 2),
        interval(q.perplexityInterval, 2),
        interval(exp(q.newModelLossInterval), 2),
        q.intervalMethod,
      ]
    }),
  )
  return [
    "Predictions: the curve's confidence interval, and the prediction interval a new model of that size measures inside (the curve's uncertainty plus the per-model scatter about the law):",
    '',
    table(['N', 'form', 'loss', 'curve interval', 'new model: loss', 'PPL', 'curve: PPL', 'new model: PPL', 'interval'], rows),
    ...accuracyPredictions(c),
  ].join('\n')
}

function accuracyPredictions(c: ConventionAnalysis): string[] {
  const rows = c.predictions.flatMap(p => p.accuracies.map(a => [sci(p.params), a.task, num(a.accuracy, 3), interval(a.interval)]))
  if (!rows.length) return []
  return [
    '',
    "Accuracy at those sizes through each task's loss → accuracy sigmoid, at the saturating law's predicted loss; the interval is the sigmoid's 95% band at the ends of the new model's loss interval:",
    '',
    table(['N', 'task', 'accuracy', 'interval'], rows),
  ]
}

/** The nested bootstrap's parts per quantity: items within each model's evaluation, the choice of models, both. */
export function nestedTable(nested: NestedBootstrapResult, digits = 4): string {
  if (!nested.available) return `Nested bootstrap: none — ${nested.reason}.`
  const rows = nested.quantities.map(q => [
    q.name,
    num(q.estimate, digits),
    num(q.items.sd, digits),
    num(q.models.sd, digits),
    num(q.nested.sd, digits),
    interval(q.nested.interval, digits),
  ])
  const redrawn = nested.redrawn ? `; ${nested.redrawn} model draws with too few distinct sizes were redrawn` : ''
  const failed = nested.failed ? `; ${nested.failed} replicates could not be fitted and are left out` : ''
  return [
    `Nested bootstrap (${nested.samples} replicates per part, seed ${nested.seed}${redrawn}${failed}): the SD from resampling items within each model's evaluation, from resampling the models, and from both (models, then items within each):`,
    '',
    table(['quantity', 'estimate', 'SD: items', 'SD: choice of models', 'SD: nested', 'nested 95% percentile interval'], rows),
  ].join('\n')
}

function goodnessOfFitLine(c: ConventionAnalysis): string {
  const g = c.saturatingLaw.goodnessOfFit
  if (!g.available)
    return `**Goodness of fit.** No χ² test: ${g.reason} (they come from per-item losses in the results). Residual RMS of ln L: ${num(g.residualRms, 4)}.`
  const verdict = g.describesPoints
    ? 'the law describes the points within their standard errors'
    : '⚠ the law does NOT describe the points: their scatter about it exceeds their own standard errors'
  return `**Goodness of fit.** χ² = ${num(g.chiSquared, 2)} on ${g.dof} dof (ln L residuals over each model's standard error), p = ${num(g.pValue, 3)}: ${verdict}. Standardised residuals: ${g.standardised.map(z => num(z, 2)).join(', ')}.`
}

function conventionSection(c: ConventionAnalysis): string {
  const sat = c.saturatingLaw
  const parts = [
    `### N = ${c.label}`,
    '',
    lawsTable(c),
    '',
    `**Saturating law.** Fitted by variable projection (E and A by non-negative least squares inside a search over α), the Huber fit kept as a cross-check. ${sat.huberCrossCheck.statement}`,
    '',
    goodnessOfFitLine(c),
    '',
    nestedTable(c.nestedBootstrap),
    '',
    `The perplexity slope (d ln PPL / d ln N) and the loss exponent α are different quantities: for L = E + A·N^−α the perplexity slope is −α·(L − E); here it is ${num(sat.perplexitySlopeAtSmallest, 3)} at the smallest and ${num(sat.perplexitySlopeAtLargest, 3)} at the largest model.`,
    sat.bootstrap.available
      ? `Saturating-law intervals: ${sat.bootstrap.method} bootstrap, ${sat.bootstrap.samples} replicates, seed ${sat.bootstrap.seed}, log-loss noise SD ${num(sat.bootstrap.logLossNoiseSd, 4)} (${sat.bootstrap.noiseSource}).`
      : `Saturating-law intervals: none — ${sat.bootstrap.reason}.`,
    ...(sat.bootstrap.available && !c.irreducibleProfile.identifiable
      ? [
          'Because E is not identifiable, the table gives the saturating α as its range over the E profile below: the bootstrap interval for the saturating α (refitted near the estimate, noise from few residual dof) would understate its uncertainty.',
        ]
      : []),
    '',
    `**Irreducible loss E.** ${c.irreducibleProfile.statement}`,
    '',
    `Criterion: ${c.irreducibleProfile.criterion}`,
    '',
    profileTable(c),
    '',
    extrapolationTables(c),
    '',
    comparisonTable(c),
  ]
  const predictions = predictionsTable(c)
  if (predictions) parts.push('', predictions)
  return parts.join('\n')
}

function downstreamSection(tasks: readonly TaskScaling[]): string {
  if (tasks.length === 0) return ''
  const rows = tasks.map(t => {
    const trend = t.versusLogParams[0]
    const fit = t.versusLoss.available ? t.versusLoss.fit : null
    return [
      t.task,
      num(t.chance, 3),
      String(t.models.length),
      trend
        ? `${num(trend.accuracyPerDecade.estimate * 100, 1)} ${interval(trend.accuracyPerDecade.interval && [trend.accuracyPerDecade.interval[0] * 100, trend.accuracyPerDecade.interval[1] * 100], 1)}`
        : '—',
      fit ? `${num(fit.slope.estimate, 2)} ${interval(fit.slope.interval, 2)}` : '—',
      fit ? `${num(fit.midpointLoss.estimate, 3)} ${interval(fit.midpointLoss.interval, 3)}` : t.versusLoss.available ? '—' : t.versusLoss.reason,
      fit
        ? `${num(fit.chiSquared, 2)} / ${fit.dof}, p ${num(fit.pValue, 3)}${fit.pValue !== null && fit.pValue < GOODNESS_OF_FIT_ALPHA ? ' ⚠ poor fit' : ''}`
        : '—',
    ]
  })
  const label = tasks.find(t => t.versusLogParams[0])?.versusLogParams[0]?.label ?? 'total parameters'
  return [
    '### Downstream accuracy',
    '',
    `Accuracy points per tenfold N (${label}; weighted by 1/stderr²) and the chance-floored sigmoid acc = c + (1 − c)·σ(k·(L0 − L)) against loss:`,
    '',
    table(['task', 'chance c', 'models', 'pts per decade [interval]', 'k [interval]', 'L0 (nats) [interval]', 'sigmoid χ² / dof, p'], rows),
    '',
    ...tasks.flatMap(t => (t.nestedBootstrap.available ? [`**${t.task}, accuracy per decade.** ${nestedTable(t.nestedBootstrap)}`, ''] : [])),
    'Intervals of k and L0 use the normal quantile while the points scatter within their stderrs, and t on the dof with the SEs scaled by √(χ²/dof) once they scatter beyond them; ⚠ marks a sigmoid whose χ² rejects it at 5%.',
  ].join('\n')
}

export function formatScalingMarkdown(analysis: ScalingAnalysis): string {
  const models = table(
    ['model', 'N total', 'N non-embedding', 'loss (nats)', 'PPL'],
    analysis.models.map(m => [
      m.modelId,
      m.params.total.toLocaleString('en-US'),
      m.params.nonEmbedding === null ? '—' : m.params.nonEmbedding.toLocaleString('en-US'),
      num(m.loss, 4),
      num(m.perplexity, 3),
    ]),
  )
  const sections = ['## Scaling', '', models, '', ...analysis.notes.map(n => `> ${n}`), ...analysis.conventions.flatMap(c => [conventionSection(c), ''])]
  const downstream = downstreamSection(analysis.downstream)
  if (downstream) sections.push(downstream, '')
  return sections.join('\n')
}
