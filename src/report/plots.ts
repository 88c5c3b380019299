/**
 * The report's charts as Vega-Lite specs, built once from results.json's figures: rendered headlessly to SVG
 * for markdown and pull requests (vega 5, renderer 'none', view.toSVG()), and embedded with hover, legend
 * toggles and zoom in reports/index.html. Every data point carries a description that vega writes as its
 * aria-label, so a reader or a test can find each one.
 */
import { namedRates, timedHere } from '../core/throughput-phases.ts'
import * as vega from 'vega'
import { compile } from 'vega-lite'
import type { TopLevelSpec } from 'vega-lite'
import { type MetricPoint, metricPoints, throughputPhases } from './results.ts'
import type { CurvePoint } from '../scaling/index.ts'
import { formatCount } from './markdown.ts'
import { qualitySpeedPoints, type StudyScaling } from './scaling-section.ts'
import type { ResultsDocument } from '../core/schema.ts'

export interface PlotDatum {
  readonly [field: string]: string | number | null
}

export interface PlotSpec {
  /** The SVG's file name under plots/, and the chart's id in index.html. */
  readonly file: string
  readonly title: string
  /** What a reader should know to read the chart (shown under it in index.html). */
  readonly caption: string
  /** Builds the spec; `interactive` adds tooltips, legend toggles and zoom for the browser. */
  readonly spec: (interactive: boolean) => TopLevelSpec
}

/** Log axes fitted to the data, not rounded out to whole decades (which left most of a chart empty). */
const logScale = { type: 'log', nice: false, padding: 24 } as const
const logParams = { field: 'parameters', type: 'quantitative', title: 'parameters (total)', scale: logScale, axis: { format: '~s' } } as const

/** Ten colours stay distinct; past ten series a twenty-colour scheme does, and every series also gets a shape. */
const colorScale = (series: number) => ({ scheme: series > 10 ? 'tableau20' : 'tableau10' })

/** Legends print their labels whole, below the chart, where long labels have room. */
const config = {
  legend: { labelLimit: 0, orient: 'bottom', direction: 'vertical', columns: 2, columnPadding: 16 },
  title: { anchor: 'start', subtitleFontSize: 11 },
  axis: { labelLimit: 0 },
} as const

/** Tooltips on the points, a legend that toggles series, and wheel/drag zoom. */
function interaction(field: string | undefined) {
  const params: object[] = [{ name: 'zoom', select: 'interval', bind: 'scales' }]
  if (field) params.push({ name: 'pick', select: { type: 'point', fields: [field] }, bind: 'legend' })
  return params
}

const picked = (interactive: boolean, field: string | undefined) =>
  interactive && field ? { opacity: { condition: { param: 'pick', value: 1, empty: true }, value: 0.12 } } : {}

const tooltip = (interactive: boolean) => (interactive ? { tooltip: { field: 'point', type: 'nominal' } } : {})

/** Lines through each series' points and the points themselves, coloured (and shaped) by series. */
function seriesChart(title: string, subtitle: string, data: readonly PlotDatum[], y: object, interactive: boolean): TopLevelSpec {
  const series = new Set(data.map(d => d.series)).size
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(series) }
  return {
    title: { text: title, subtitle },
    width: 560,
    height: 340,
    config,
    data: { values: data as PlotDatum[] },
    encoding: { x: logParams, y, color },
    layer: [
      // A selection is declared in the first layer that uses it: vega-lite leaves the legend inert otherwise.
      { mark: { type: 'line', aria: false }, ...(interactive ? { params: interaction('series') } : {}), encoding: { ...picked(interactive, 'series') } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          shape: { field: 'series', type: 'nominal', legend: null },
          description: { field: 'point', type: 'nominal' },
          ...picked(interactive, 'series'),
          ...tooltip(interactive),
        },
      },
    ],
  } as TopLevelSpec
}

/** The plots the data supports (a study without perplexity metrics has no perplexity plot). */
export function plotSpecs(doc: ResultsDocument, studies: readonly StudyScaling[]): PlotSpec[] {
  const points = metricPoints(doc)
  const multiStudy = new Set(points.map(p => p.study)).size > 1
  const series = (study: string, label: string) => (multiStudy ? `${study}: ${label}` : label)
  return [
    ...scalingFitPlots(studies),
    ...accuracyPlot(points, series),
    ...perplexityPlot(points, series),
    ...qualitySpeedPlot(doc),
    ...throughputPlot(doc, series),
    ...costVsContextPlot(doc, series),
    ...crossFamilyPlots(studies),
  ]
}

function perplexityPlot(points: readonly MetricPoint[], series: (study: string, label: string) => string): PlotSpec[] {
  const data = points
    .filter(p => p.info?.kind === 'perplexity')
    .map(p => ({
      parameters: p.parameters,
      value: p.value,
      series: series(p.study, `${p.task} ${p.metric} (per ${p.info?.unit ?? '?'})`),
      model: p.model,
      point: `${p.model} ${p.task} ${p.metric} = ${p.value}`,
    }))
  const title = 'Perplexity vs parameters'
  const caption = 'Every perplexity the tasks report, per token, word or byte as each declares; lower is better.'
  return logScalePlot(
    { file: 'perplexity-vs-params.svg', title, caption, axis: 'perplexity' },
    data,
    y => interactive => seriesChart(title, 'lower is better; one line per task and unit', data, y, interactive),
  )
}

/** One chart of `data` against parameters with the values on a log-scale y axis titled `axis`; none without data. */
function logScalePlot(plot: Omit<PlotSpec, 'spec'> & { readonly axis: string }, data: readonly PlotDatum[], draw: (y: object) => PlotSpec['spec']): PlotSpec[] {
  if (!data.length) return []
  const { axis, ...described } = plot
  return [{ ...described, spec: draw({ field: 'value', type: 'quantitative', title: `${axis} (log scale)`, scale: logScale }) }]
}

/** 95% interval of a proportion from its binomial standard error, clipped to [0, 1]. */
const binomialInterval = (value: number, stderr: number | undefined): [number, number] =>
  stderr === undefined ? [value, value] : [Math.max(0, value - 1.96 * stderr), Math.min(1, value + 1.96 * stderr)]

/** Accuracy against parameters, one panel per task: acc and acc_norm told apart, 95% binomial bars, the chance line. */
function accuracyPlot(points: readonly MetricPoint[], series: (study: string, label: string) => string): PlotSpec[] {
  const accuracy = points.filter(p => p.info?.kind === 'accuracy')
  if (!accuracy.length) return []
  const data: PlotDatum[] = accuracy.map(p => {
    const [lower, upper] = binomialInterval(p.value, p.stderr)
    return {
      layer: 'measured',
      panel: series(p.study, p.task),
      metric: p.metric,
      parameters: p.parameters,
      value: p.value,
      lower,
      upper,
      point: `${p.model} ${p.task} ${p.metric} = ${p.value}`,
    }
  })
  const chance = [...new Map(accuracy.filter(p => p.chance !== null).map(p => [series(p.study, p.task), p.chance!])).entries()].map(([panel, level]) => ({
    layer: 'chance',
    panel,
    chance: level,
    label: `chance ${level}`,
  }))
  const values = [...data, ...chance]
  const metrics = new Set(data.map(d => d.metric)).size
  const title = 'Accuracy vs parameters'
  const only = (layer: string) => [{ filter: `datum.layer === '${layer}'` }]
  const color = { field: 'metric', type: 'nominal', title: 'metric', scale: colorScale(metrics) }
  const y = { field: 'value', type: 'quantitative', title: 'accuracy', scale: { zero: false } }
  return [
    {
      file: 'accuracy-vs-params.svg',
      title,
      caption: 'Per task: each accuracy metric with its 95% interval (±1.96 binomial standard errors); the dashed line is the chance level the task declares.',
      spec: interactive =>
        ({
          title: { text: title, subtitle: 'bars: 95% interval (±1.96 binomial standard errors); dashed: chance' },
          config,
          data: { values },
          facet: { field: 'panel', type: 'nominal', title: null, header: { labelFontSize: 12, labelLimit: 0 } },
          columns: 3,
          resolve: { scale: { y: 'independent' } },
          spec: {
            width: 300,
            height: 240,
            layer: [
              {
                transform: only('chance'),
                mark: { type: 'rule', strokeDash: [4, 4], color: '#666', aria: false },
                encoding: { y: { field: 'chance', type: 'quantitative' } },
              },
              {
                transform: only('chance'),
                mark: { type: 'text', align: 'right', dx: -4, dy: -6, color: '#666', aria: false },
                encoding: { y: { field: 'chance', type: 'quantitative' }, x: { value: 'width' }, text: { field: 'label' } },
              },
              {
                transform: only('measured'),
                mark: { type: 'rule', aria: false },
                ...(interactive ? { params: interaction('metric') } : {}),
                encoding: { x: logParams, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, color, ...picked(interactive, 'metric') },
              },
              {
                transform: only('measured'),
                mark: { type: 'line', aria: false },
                encoding: { x: logParams, y, color, strokeDash: { field: 'metric', type: 'nominal', legend: null }, ...picked(interactive, 'metric') },
              },
              {
                transform: only('measured'),
                mark: { type: 'point', filled: true, size: 50 },
                encoding: {
                  x: logParams,
                  y,
                  color,
                  shape: { field: 'metric', type: 'nominal', legend: null },
                  description: { field: 'point', type: 'nominal' },
                  ...picked(interactive, 'metric'),
                  ...tooltip(interactive),
                },
              },
            ],
          },
        }) as TopLevelSpec,
    },
  ]
}

/** tokens/s against parameters per phase: a point per model (from the case that timed it), a line through each model's median. */
function throughputPlot(doc: ResultsDocument, series: (study: string, label: string) => string): PlotSpec[] {
  const labels = new Map<string, string>(throughputPhases)
  const data = doc.cases.flatMap(entry => {
    const record = entry.record
    if (!record?.throughput || !timedHere(entry)) return []
    return namedRates(record.throughput).map(({ phase, rate }) => ({
      parameters: record.model.parameters.total,
      value: rate.tokensPerSecond,
      series: series(entry.study, labels.get(phase) ?? phase),
      model: entry.model,
      point: `${entry.model} ${entry.task} ${phase} = ${rate.tokensPerSecond} tokens/s`,
    }))
  })
  const title = 'Throughput by phase'
  const caption =
    'Tokens/s per phase (from the mean call of its rounds, each paired with the calibration): a point per model, timed once by its first case; the line joins the models.'
  return logScalePlot({ file: 'throughput-vs-params.svg', title, caption, axis: 'tokens/s' }, data, y => interactive => {
    const chart = seriesChart(title, 'a point per model and phase; the line joins the models', data, y, interactive) as { layer: object[] } & TopLevelSpec
    const [line, points] = chart.layer as [{ encoding: object }, object]
    const median = {
      ...line,
      transform: [{ aggregate: [{ op: 'median', field: 'value', as: 'value' }], groupby: ['series', 'parameters'] }],
    }
    return { ...chart, layer: [median, points] } as TopLevelSpec
  })
}

/**
 * Milliseconds per token against context length, a line per model and phase: prefill per prompt token by prompt
 * length, batch-1 KV-cached decode per generated token by context, and batched decode per token of all its rows
 * at its context. A cost that grows with context is attention's; a flat line is the weights' cost alone.
 */
function costVsContextPlot(doc: ResultsDocument, series: (study: string, label: string) => string): PlotSpec[] {
  const data = doc.cases.flatMap(entry => {
    const throughput = entry.record?.throughput
    if (!throughput || !timedHere(entry)) return []
    const point = (phase: string, context: number, tokensPerSecond: number) => ({
      context,
      value: 1000 / tokensPerSecond,
      series: series(entry.study, `${entry.model} ${phase}`),
      model: entry.model,
      point: `${entry.model} ${phase} at ${context} tokens = ${1000 / tokensPerSecond} ms/token`,
    })
    const batched = throughput.batchedDecode
    return [
      ...(throughput.prefillByLength ?? []).map(rate => point('prefill', rate.length, rate.tokensPerSecond)),
      ...(throughput.decodeByContext ?? []).map(rate => point('decode', rate.context, rate.tokensPerSecond)),
      ...(batched ? [point(`decode ×${batched.batch} rows`, batched.context, batched.tokensPerSecond)] : []),
    ]
  })
  if (!data.length) return []
  const title = 'Cost per token vs context length'
  const caption =
    'Milliseconds per token by context length, per model: prefill per prompt token at each prompt length, batch-1 KV-cached decode per generated token after each context, batched decode per token over all its rows. Growth with context is attention’s cost.'
  return [
    {
      file: 'cost-vs-context.svg',
      title,
      caption,
      spec: interactive => {
        const chart = seriesChart(
          title,
          'a line per model and phase',
          data,
          { field: 'value', type: 'quantitative', title: 'ms per token (log scale)', scale: logScale },
          interactive,
        )
        const x = { field: 'context', type: 'quantitative', title: 'context length (tokens, log scale)', scale: logScale, axis: { format: '~s' } }
        return { ...chart, encoding: { ...(chart as { encoding: object }).encoding, x } } as TopLevelSpec
      },
    },
  ]
}

/**
 * Quality against speed per study: each model's loss perplexity against its median scoring tokens/s, with the
 * Pareto front (no other model both faster and better) joined by a line.
 */
function qualitySpeedPlot(doc: ResultsDocument): PlotSpec[] {
  const rows = qualitySpeedPoints(doc).map(m => ({
    study: m.study,
    model: m.model,
    speed: m.speed,
    value: m.value,
    front: m.onFront ? 'Pareto front' : 'dominated',
    metric: m.metric,
    point: `${m.model}: ${m.metric} ${m.value} at ${m.speed.toFixed(1)} scoring tokens/s${m.onFront ? ' (Pareto front)' : ''}`,
  }))
  if (!rows.length) return []
  const title = 'Quality vs speed'
  const metric = [...new Set(rows.map(r => r.metric))].join(', ')
  const x = { field: 'speed', type: 'quantitative', title: 'scoring tokens/s (median over cases, log scale)', scale: logScale }
  const y = { field: 'value', type: 'quantitative', title: `${metric} (log scale)`, scale: logScale }
  return [
    {
      file: 'quality-vs-speed.svg',
      title,
      caption: 'Each model once: lower and further right is better. The line joins the Pareto front, the models no other model beats on both.',
      spec: interactive =>
        ({
          title: { text: title, subtitle: 'lower is better, right is faster; the line joins the Pareto front' },
          width: 560,
          height: 340,
          config,
          data: { values: rows },
          layer: [
            {
              transform: [{ filter: "datum.front === 'Pareto front'" }],
              mark: { type: 'line', color: '#888', aria: false },
              encoding: { x, y, detail: { field: 'study' }, order: { field: 'speed' } },
            },
            {
              mark: { type: 'point', filled: true, size: 80 },
              ...(interactive ? { params: interaction('front') } : {}),
              encoding: {
                x,
                y,
                color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#e45756', '#9d9d9d'] } },
                shape: { field: 'study', type: 'nominal', title: 'study', ...(new Set(rows.map(r => r.study)).size > 1 ? {} : { legend: null }) },
                description: { field: 'point', type: 'nominal' },
                ...picked(interactive, 'front'),
                ...tooltip(interactive),
              },
            },
            { mark: { type: 'text', dy: -10, fontSize: 10, aria: false }, encoding: { x, y, text: { field: 'model' } } },
          ],
        }) as TopLevelSpec,
    },
  ]
}

/** What the scaling chart says in words: the exponent, its interval and how it was obtained. */
export function scalingStatement(scaling: StudyScaling): string | undefined {
  const total = scaling.analysis?.conventions.find(c => c.convention === 'total')
  if (!total) return undefined
  const slope = total.perplexityLaw.perplexitySlope
  const interval = slope.interval ? `, 95% interval ${sign(slope.interval[0])} to ${sign(slope.interval[1])} (${slope.intervalMethod})` : ' (no interval)'
  return `${scaling.loss?.task} ${scaling.loss?.metric} falls as N^${sign(slope.estimate)}${interval}: each doubling of parameters multiplies it by ${(2 ** slope.estimate).toFixed(3)}.`
}

const sign = (value: number) => value.toFixed(4).replace('-', '−')

/**
 * Per study: the measured perplexities against total parameters with the prior study's log-log law
 * (PPL = e^c·N^s) fitted to them and its 95% confidence band; beyond the measured sizes the line is dashed and
 * the band paler, so an extrapolation is not read as a measurement.
 */
export function scalingFitPlots(studies: readonly StudyScaling[]): PlotSpec[] {
  return studies.flatMap(scaling => {
    const { study, loss, analysis } = scaling
    const total = analysis?.conventions.find(c => c.convention === 'total')
    if (!analysis || !total) return []
    const measured = analysis.models.map(m => ({
      layer: 'measured',
      parameters: m.params.total,
      value: m.perplexity,
      model: m.modelId,
      point: `${m.modelId} ${loss!.task} ${loss!.metric} = ${m.perplexity.toPrecision(6)}`,
    }))
    const sizes = measured.map(m => m.parameters)
    const [smallest, largest] = [Math.min(...sizes), Math.max(...sizes)]
    // Three stretches (below, within, above the measured sizes) meeting at the smallest and largest size.
    const curve = withBoundaries(total.curves.logLinear, smallest, largest)
    const segments = [
      { segment: 'below', region: 'extrapolation', points: curve.filter(c => c.params <= smallest) },
      { segment: 'within', region: 'measured range', points: curve.filter(c => c.params >= smallest && c.params <= largest) },
      { segment: 'above', region: 'extrapolation', points: curve.filter(c => c.params >= largest) },
    ]
    const fitted = segments.flatMap(({ segment, region, points }) =>
      points.map(c => ({
        layer: 'fit',
        segment,
        region,
        parameters: c.params,
        value: Math.exp(c.loss),
        lower: Math.exp(c.lossLower ?? c.loss),
        upper: Math.exp(c.lossUpper ?? c.loss),
        point: `fit at N = ${c.params.toPrecision(4)}: PPL ${Math.exp(c.loss).toPrecision(5)} [${Math.exp(c.lossLower ?? c.loss).toPrecision(5)}, ${Math.exp(c.lossUpper ?? c.loss).toPrecision(5)}] (${region})`,
      })),
    )
    const slope = total.perplexityLaw.perplexitySlope
    const law = `PPL = ${total.perplexityLaw.prefactor.toPrecision(5)}·N^${sign(slope.estimate)}`
    const interval = slope.interval
      ? `exponent ${sign(slope.estimate)}, 95% interval [${sign(slope.interval[0])}, ${sign(slope.interval[1])}]`
      : `exponent ${sign(slope.estimate)}`
    const y = { field: 'value', type: 'quantitative', title: `${loss!.task} ${loss!.metric} (log scale)`, scale: logScale }
    const region = { field: 'region', type: 'nominal', title: null, scale: { domain: ['measured range', 'extrapolation'] } }
    const only = (layer: string) => [{ filter: `datum.layer === '${layer}'` }]
    const title = `Scaling: ${study}, ${loss!.task} ${loss!.metric}`
    return [
      {
        file: `scaling-fit-${study.replace(/[^\w.-]+/g, '_')}.svg`,
        title,
        caption: `${scalingStatement(scaling)} The shaded band is the fit's 95% confidence band; dashed and paler beyond the measured sizes (${formatCount(smallest)} to ${formatCount(largest)} parameters), where it is an extrapolation. Corpus perplexities have no per-model standard error, so the points carry no bars.`,
        spec: interactive =>
          ({
            title: { text: title, subtitle: [`fit: ${law} (${total.label})`, `${interval}; dashed: extrapolation beyond the measured sizes`] },
            width: 560,
            height: 340,
            config,
            data: { values: [...fitted, ...measured] },
            encoding: { x: logParams },
            layer: [
              {
                transform: only('fit'),
                mark: { type: 'area', color: '#4c78a8', aria: false },
                encoding: {
                  y: { ...y, field: 'lower' },
                  y2: { field: 'upper' },
                  detail: { field: 'segment' },
                  opacity: { field: 'region', type: 'ordinal', legend: null, scale: { domain: ['measured range', 'extrapolation'], range: [0.3, 0.12] } },
                },
              },
              {
                transform: only('fit'),
                mark: { type: 'line', color: '#4c78a8' },
                encoding: {
                  y,
                  detail: { field: 'segment' },
                  strokeDash: {
                    ...region,
                    scale: {
                      ...region.scale,
                      range: [
                        [1, 0],
                        [6, 4],
                      ],
                    },
                  },
                  description: { field: 'point', type: 'nominal' },
                },
              },
              {
                transform: only('measured'),
                mark: { type: 'point', filled: true, size: 70, color: '#e45756' },
                ...(interactive ? { params: interaction(undefined) } : {}),
                encoding: { y, description: { field: 'point', type: 'nominal' }, ...tooltip(interactive) },
              },
            ],
          }) as TopLevelSpec,
      },
    ]
  })
}

/**
 * Per multi-family study: bits per byte against total parameters, one colour per declared family, with each
 * family's line under the shared-exponent fit (a_f − α · ln N), so the offsets the report states can be seen.
 */
export function crossFamilyPlots(studies: readonly StudyScaling[]): PlotSpec[] {
  return studies.flatMap(({ study, crossFamily }) => {
    const fit = crossFamily?.fit
    if (!crossFamily || !fit) return []
    const alpha = fit.shared.exponent.value
    const measured = crossFamily.points.map(p => ({
      parameters: p.params,
      value: p.bitsPerByte,
      family: p.family,
      point: `${p.model} (${p.family}) ${crossFamily.metric} = ${p.bitsPerByte.toPrecision(6)}`,
    }))
    const fitted = fit.families.flatMap(family => {
      const sizes = crossFamily.points.filter(p => p.family === family).map(p => p.params)
      const offset = fit.shared.offsets[family]!.value
      return [Math.min(...sizes), Math.max(...sizes)].map(N => ({ parameters: N, value: Math.exp(offset - alpha * Math.log(N)), family }))
    })
    const y = { field: 'value', type: 'quantitative', title: 'bits per byte', scale: logScale }
    const title = `Across families: ${study} (${crossFamily.task}, shared exponent ${alpha.toFixed(4)})`
    return [
      {
        file: `cross-family-${study.replace(/[^\w.-]+/g, '_')}.svg`,
        title,
        caption: 'Bits per byte of every model, one colour per declared family; dashed: each family under the shared-exponent fit.',
        spec: () =>
          ({
            title,
            width: 420,
            height: 280,
            encoding: { x: logParams, color: { field: 'family', type: 'nominal', title: 'family' } },
            layer: [
              { data: { values: fitted }, mark: { type: 'line', aria: false, strokeDash: [4, 3] }, encoding: { y } },
              {
                data: { values: measured },
                mark: { type: 'point', filled: true, size: 60 },
                encoding: { y, description: { field: 'point', type: 'nominal' } },
              },
            ],
          }) as TopLevelSpec,
      },
    ]
  })
}

/** The curve with points added at `low` and `high`, interpolated linearly in log N. */
function withBoundaries(curve: readonly CurvePoint[], low: number, high: number): CurvePoint[] {
  const at = (n: number): CurvePoint[] => {
    const k = curve.findIndex(c => c.params >= n)
    if (k <= 0 || curve[k]!.params === n) return []
    const [a, b] = [curve[k - 1]!, curve[k]!]
    const t = Math.log(n / a.params) / Math.log(b.params / a.params)
    const mix = (x: number | null, y: number | null) => (x === null || y === null ? null : x + t * (y - x))
    return [{ params: n, loss: mix(a.loss, b.loss)!, lossLower: mix(a.lossLower, b.lossLower), lossUpper: mix(a.lossUpper, b.lossUpper) }]
  }
  return [...curve, ...at(low), ...at(high)].sort((a, b) => a.params - b.params)
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
