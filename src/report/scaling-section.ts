/** The report's scaling section: src/scaling's analysis of each study's models, one section per study. */
import { analyzeScaling, formatScalingMarkdown } from '../scaling/index.ts'
import type { ScalingAnalysis, ScalingPoint } from '../scaling/index.ts'
import type { MetricPoint } from './results.ts'

/** Which perplexity a model's loss comes from when results name none, best first: per token, then per word, then per byte. */
const perplexityUnits = ['token', 'word', 'byte'] as const

const isPerplexity = (p: MetricPoint, unit: string) => p.info?.kind === 'perplexity' && p.info.unit === unit

/** The task and metric a scaling fit uses as its loss (ln of that perplexity). */
export interface ScalingLoss {
  readonly task: string
  readonly metric: string
}

/** The study's own choice (recorded with its cases), else the first perplexity by unit, then task name, as a fallback for older results. */
function lossOf(points: readonly MetricPoint[], named: ScalingLoss | undefined): ScalingLoss | undefined {
  if (named) return named
  const unit = perplexityUnits.find(u => points.some(p => isPerplexity(p, u)))
  const first = [...points].filter(p => unit !== undefined && isPerplexity(p, unit)).sort((a, b) => a.task.localeCompare(b.task))[0]
  return first && { task: first.task, metric: first.metric }
}

/**
 * Per model of one study: its parameters, the loss's perplexity and each task's acc ± stderr. Accuracy laws
 * need a chance level, so tasks that declare none are left out (and named).
 */
export function scalingPoints(
  points: readonly MetricPoint[],
  named?: ScalingLoss,
): {
  points: ScalingPoint[]
  loss: ScalingLoss | undefined
  withoutChance: string[]
  chanceLevels: Record<string, number>
} {
  const loss = lossOf(points, named)
  const byModel = new Map<string, MetricPoint[]>()
  for (const p of points) byModel.set(p.model, [...(byModel.get(p.model) ?? []), p])
  const result: ScalingPoint[] = []
  for (const [model, own] of byModel) {
    const perplexity = own.find(p => loss !== undefined && p.task === loss.task && p.metric === loss.metric)
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
  return { points: result, loss, withoutChance, chanceLevels }
}

export interface StudyScaling {
  readonly study: string
  /** The task and perplexity metric the loss comes from; undefined when the study reports none. */
  readonly loss: ScalingLoss | undefined
  readonly analysis?: ScalingAnalysis
  readonly error?: string
  readonly withoutChance: readonly string[]
}

/** One scaling analysis per study, computed once for both the markdown section and the fit plot; `named` holds each study's loss. */
export function analyzeStudies(points: readonly MetricPoint[], named: ReadonlyMap<string, ScalingLoss> = new Map()): StudyScaling[] {
  const studies = [...new Set(points.map(p => p.study))].sort()
  return studies.map(study => {
    const {
      points: modelPoints,
      loss,
      withoutChance,
      chanceLevels,
    } = scalingPoints(
      points.filter(p => p.study === study),
      named.get(study),
    )
    if (!loss) return { study, loss, withoutChance }
    try {
      return { study, loss, withoutChance, analysis: analyzeScaling(modelPoints, { chanceLevels }) }
    } catch (error) {
      return { study, loss, withoutChance, error: (error as Error).message }
    }
  })
}

export function scalingMarkdown(studies: readonly StudyScaling[]): string | undefined {
  const sections = studies.map(({ study, loss, analysis, error, withoutChance }) => {
    const heading = `## Scaling: ${study}`
    if (!loss) return `${heading}\n\nNot fitted: the study reports no perplexity metric.`
    const fitted = `Fitted on ${loss.task} ${loss.metric} (loss = ln ${loss.metric}).`
    if (!analysis) return `${heading}\n\n${fitted} Not fitted: ${error}`
    const markdown = formatScalingMarkdown(analysis).replace(/^## Scaling\b/, `${heading}\n\n${fitted}`)
    const skipped = withoutChance.length ? ` Accuracy laws skip ${withoutChance.join(', ')} (no chance level known).` : ''
    return `${markdown.trim()}${skipped ? `\n\n${skipped.trim()}` : ''}`
  })
  return sections.length ? sections.join('\n\n') : undefined
}
