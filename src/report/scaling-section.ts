/** The report's scaling section: src/scaling's analysis of each study's models, one section per study. */
import { analyzeScaling, formatScalingMarkdown } from '../scaling/index.ts'
import type { ScalingAnalysis, ScalingPoint } from '../scaling/index.ts'
import { lossMetric } from './results.ts'
import type { MetricPoint } from './results.ts'

/**
 * Per model of one study: its parameters, the preferred perplexity and each task's acc ± stderr. Accuracy laws
 * need a chance level, so tasks that declare none are left out (and named).
 */
export function scalingPoints(points: readonly MetricPoint[]): {
  points: ScalingPoint[]
  perplexity: string | undefined
  withoutChance: string[]
  chanceLevels: Record<string, number>
} {
  const loss = lossMetric(points)
  const byModel = new Map<string, MetricPoint[]>()
  for (const p of points) byModel.set(p.model, [...(byModel.get(p.model) ?? []), p])
  const result: ScalingPoint[] = []
  for (const [model, own] of byModel) {
    const perplexity = own.find(p => p.task === loss?.task && p.metric === loss.metric)
    if (!perplexity) continue
    const accuracies = Object.fromEntries(
      own
        .filter(p => p.metric === 'acc' && p.chance !== null && p.stderr !== undefined && p.stderr > 0)
        .map(p => [p.task, { acc: p.value, stderr: p.stderr! }]),
    )
    const first = own[0]!
    result.push({
      modelId: model,
      params: { total: first.parameters, nonEmbedding: first.nonEmbeddingParameters },
      perplexity: perplexity.value,
      ...(Object.keys(accuracies).length ? { accuracies } : {}),
    })
  }
  const withoutChance = [...new Set(points.filter(p => p.metric === 'acc' && p.chance === null).map(p => p.task))].sort()
  const chanceLevels = Object.fromEntries(points.flatMap(p => (p.chance === null ? [] : [[p.task, p.chance] as const])))
  // Smallest model first: the analysis tables list models in this order.
  result.sort((a, b) => a.params.total - b.params.total)
  return { points: result, perplexity: loss && `${loss.task} ${loss.metric}`, withoutChance, chanceLevels }
}

export interface StudyScaling {
  readonly study: string
  /** The perplexity metric the loss comes from; undefined when the study reports none. */
  readonly perplexity: string | undefined
  readonly analysis?: ScalingAnalysis
  readonly error?: string
  readonly withoutChance: readonly string[]
}

/** One scaling analysis per study, computed once for both the markdown section and the fit plot. */
export function analyzeStudies(points: readonly MetricPoint[]): StudyScaling[] {
  const studies = [...new Set(points.map(p => p.study))].sort()
  return studies.map(study => {
    const { points: modelPoints, perplexity, withoutChance, chanceLevels } = scalingPoints(points.filter(p => p.study === study))
    if (!perplexity) return { study, perplexity, withoutChance }
    try {
      return { study, perplexity, withoutChance, analysis: analyzeScaling(modelPoints, { chanceLevels }) }
    } catch (error) {
      return { study, perplexity, withoutChance, error: (error as Error).message }
    }
  })
}

export function scalingMarkdown(studies: readonly StudyScaling[]): string | undefined {
  const sections = studies.map(({ study, perplexity, analysis, error, withoutChance }) => {
    const heading = `## Scaling: ${study}`
    if (!perplexity) return `${heading}\n\nNot fitted: the study reports no perplexity metric.`
    if (!analysis) return `${heading}\n\nNot fitted: ${error}`
    const markdown = formatScalingMarkdown(analysis).replace(/^## Scaling\b/, heading)
    const skipped = withoutChance.length ? ` Accuracy laws skip ${withoutChance.join(', ')} (no chance level known).` : ''
    return `${markdown.trim()}\n\nLoss is ln(${perplexity}).${skipped}`
  })
  return sections.length ? sections.join('\n\n') : undefined
}
