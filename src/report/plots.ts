/**
 * SVG plots rendered headlessly with vega-lite 5 + vega 5 (renderer 'none', view.toSVG()). Every point
 * carries a description that vega writes as its aria-label, so a reader or a test can find each data point.
 */
import * as vega from 'vega'
import { compile } from 'vega-lite'
import type { TopLevelSpec } from 'vega-lite'
import { metricPoints } from './results.ts'
import type { StudyScaling } from './scaling-section.ts'
import type { ResultsDocument } from '../core/schema.ts'

export interface PlotDatum {
  readonly [field: string]: string | number
  /** The aria-label of the datum's mark. */
  readonly point: string
}

export interface PlotSpec {
  readonly file: string
  readonly title: string
  readonly data: readonly PlotDatum[]
  readonly spec: TopLevelSpec
}

const logParams = { field: 'parameters', type: 'quantitative', title: 'parameters', scale: { type: 'log' } } as const

function scatterWithLines(title: string, data: readonly PlotDatum[], y: object): TopLevelSpec {
  return {
    title,
    width: 420,
    height: 280,
    data: { values: data as PlotDatum[] },
    encoding: { x: logParams, y, color: { field: 'series', type: 'nominal', title: null } },
    layer: [
      { mark: { type: 'line', aria: false } },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { description: { field: 'point', type: 'nominal' } } },
    ],
  } as TopLevelSpec
}

/** The plots the data supports (a study without perplexity metrics has no perplexity plot). */
export function plotSpecs(doc: ResultsDocument): PlotSpec[] {
  const points = metricPoints(doc)
  const multiStudy = new Set(points.map(p => p.study)).size > 1
  const series = (study: string, label: string) => (multiStudy ? `${study}: ${label}` : label)
  const plots: PlotSpec[] = []

  const perplexity = points
    .filter(p => p.info?.kind === 'perplexity')
    .map(p => ({
      parameters: p.parameters,
      value: p.value,
      series: series(p.study, `${p.task} ${p.metric}`),
      point: `${p.model} ${p.task} ${p.metric} = ${p.value}`,
    }))
  if (perplexity.length) {
    plots.push({
      file: 'perplexity-vs-params.svg',
      title: 'Perplexity vs parameters',
      data: perplexity,
      spec: scatterWithLines('Perplexity vs parameters', perplexity, { field: 'value', type: 'quantitative', title: 'perplexity', scale: { type: 'log' } }),
    })
  }

  const accuracy = points
    .filter(p => p.info?.kind === 'accuracy')
    .map(p => ({
      parameters: p.parameters,
      value: p.value,
      model: p.model,
      task: p.task,
      series: series(p.study, `${p.task} ${p.metric}`),
      point: `${p.model} ${p.task} ${p.metric} = ${p.value}`,
    }))
  if (accuracy.length) {
    plots.push({
      file: 'accuracy-vs-params.svg',
      title: 'Accuracy vs parameters',
      data: accuracy,
      spec: scatterWithLines('Accuracy vs parameters', accuracy, { field: 'value', type: 'quantitative', title: 'accuracy', scale: { zero: false } }),
    })
    plots.push({
      file: 'task-accuracy.svg',
      title: 'Accuracy per task',
      data: accuracy,
      spec: {
        title: 'Accuracy per task',
        width: { step: 18 },
        height: 280,
        data: { values: accuracy },
        mark: 'bar',
        encoding: {
          x: { field: 'series', type: 'nominal', title: null },
          xOffset: { field: 'model', type: 'nominal', sort: { field: 'parameters' } },
          y: { field: 'value', type: 'quantitative', title: 'accuracy' },
          color: { field: 'model', type: 'nominal', sort: { field: 'parameters' } },
          description: { field: 'point', type: 'nominal' },
        },
      } as TopLevelSpec,
    })
  }

  const throughput = doc.cases.flatMap(entry => {
    const record = entry.record
    if (!record?.throughput) return []
    return Object.entries(record.throughput).map(([kind, rate]) => ({
      parameters: record.model.parameters.total,
      value: rate.tokensPerSecond,
      series: series(entry.study, `${entry.task} ${kind}`),
      point: `${entry.model} ${entry.task} ${kind} = ${rate.tokensPerSecond} tokens/s`,
    }))
  })
  if (throughput.length) {
    plots.push({
      file: 'throughput-vs-params.svg',
      title: 'Throughput vs parameters',
      data: throughput,
      spec: scatterWithLines('Throughput vs parameters', throughput, { field: 'value', type: 'quantitative', title: 'tokens/s', scale: { type: 'log' } }),
    })
  }
  return plots
}

/**
 * Per study: the measured perplexities against total parameters with the prior study's log-log law
 * (PPL = e^c·N^s) fitted to them and its 95% confidence band, so the reported law can be seen against the data.
 */
export function scalingFitPlots(studies: readonly StudyScaling[]): PlotSpec[] {
  return studies.flatMap(({ study, loss, analysis }) => {
    const total = analysis?.conventions.find(c => c.convention === 'total')
    if (!analysis || !total) return []
    const slope = total.perplexityLaw.perplexitySlope
    const interval = slope.interval ? ` [${slope.interval[0].toFixed(4)}, ${slope.interval[1].toFixed(4)}]` : ''
    const law = `fit: PPL ∝ N^${slope.estimate.toFixed(4)}${interval}`
    const measured = analysis.models.map(m => ({
      parameters: m.params.total,
      value: m.perplexity,
      series: `${loss!.task} ${loss!.metric} (measured)`,
      point: `${m.modelId} ${loss!.task} ${loss!.metric} = ${m.perplexity.toPrecision(6)}`,
    }))
    const fitted = total.curves.logLinear.map(c => ({
      parameters: c.params,
      value: Math.exp(c.loss),
      lower: Math.exp(c.lossLower ?? c.loss),
      upper: Math.exp(c.lossUpper ?? c.loss),
      series: law,
      point: `fit at N = ${c.params}: PPL ${Math.exp(c.loss)} [${Math.exp(c.lossLower ?? c.loss)}, ${Math.exp(c.lossUpper ?? c.loss)}]`,
    }))
    const y = { field: 'value', type: 'quantitative', title: 'perplexity', scale: { type: 'log' } }
    const title = `Scaling: ${study}, ${loss!.task} ${loss!.metric} (${total.label})`
    return [
      {
        file: `scaling-fit-${study.replace(/[^\w.-]+/g, '_')}.svg`,
        title,
        data: [...measured, ...fitted],
        spec: {
          title,
          width: 420,
          height: 280,
          encoding: { x: logParams, color: { field: 'series', type: 'nominal', title: null } },
          layer: [
            { data: { values: fitted }, mark: { type: 'area', opacity: 0.2, aria: false }, encoding: { y: { ...y, field: 'lower' }, y2: { field: 'upper' } } },
            { data: { values: fitted }, mark: { type: 'line', aria: false }, encoding: { y } },
            { data: { values: measured }, mark: { type: 'point', filled: true, size: 60 }, encoding: { y, description: { field: 'point', type: 'nominal' } } },
          ],
        } as TopLevelSpec,
      },
    ]
  })
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
