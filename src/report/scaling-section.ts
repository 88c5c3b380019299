/** The report's scaling section: src/scaling's analysis of each study's models, one section per study. */
import { analyzeScaling, describeCrossFamily, fitCrossFamily, formatScalingMarkdown } from '../scaling/index.ts'
import type { CrossFamilyFit, FamilyPoint, LossItems, ScalingAnalysis, ScalingPoint } from '../scaling/index.ts'
import { decodeBits, decodeFloats } from '../core/bitset.ts'
import { DIGEST_UNIT_VALUES, type ItemDigest, type ResultsDocument } from '../core/schema.ts'
import { namedRates, timedHere } from '../core/throughput-phases.ts'
import { fitSpeedLaws, paretoFront, type SpeedLaw, type SpeedPoint } from '../scaling/index.ts'
import { lossMetric, metricPoints, recordedLosses, summarizeModels } from './results.ts'
import type { MetricPoint, ScalingLoss } from './results.ts'

/** Per model of a study: its loss perplexity against its median scoring tokens/s, and whether it is on the Pareto front. */
export interface QualitySpeedPoint {
  readonly study: string
  readonly model: string
  readonly speed: number
  readonly value: number
  /** `task metric` of the study's loss, '' when it has none. */
  readonly metric: string
  readonly onFront: boolean
}

/** The quality–speed points of every study, for the plot and report.md alike. */
export function qualitySpeedPoints(doc: ResultsDocument): QualitySpeedPoint[] {
  const models = summarizeModels(doc)
  const points = metricPoints(doc)
  const named = recordedLosses(doc)
  return [...new Set(models.map(m => m.study))].flatMap(study => {
    const loss = lossMetric(
      points.filter(p => p.study === study),
      named.get(study),
    )
    const own = models.filter(m => m.study === study && m.perplexity !== undefined && m.throughput.scoring)
    const front = paretoFront(own.map(m => ({ speed: m.throughput.scoring!.median, loss: m.perplexity! })))
    return own.map((m, i) => ({
      study,
      model: m.model,
      speed: m.throughput.scoring!.median,
      value: m.perplexity!,
      metric: loss ? `${loss.task} ${loss.metric}` : '',
      onFront: front[i]!,
    }))
  })
}

/** Per study, each model's throughput phases from the case that timed them (once per model). */
export function speedPoints(doc: ResultsDocument): Map<string, SpeedPoint[]> {
  const byStudy = new Map<string, SpeedPoint[]>()
  for (const entry of doc.cases) {
    const throughput = entry.record?.throughput
    if (!throughput || !timedHere(entry)) continue
    const own = byStudy.get(entry.study) ?? []
    if (own.some(p => p.modelId === entry.model)) continue
    const phases = Object.fromEntries(
      namedRates(throughput).map(({ phase, rate }) => [phase, { tokensPerSecond: rate.tokensPerSecond, rssBytes: rate.rssBytes }]),
    )
    byStudy.set(entry.study, [...own, { modelId: entry.model, params: entry.record!.model.parameters.total, phases }])
  }
  return byStudy
}

/** A case's per-item digest, by study, model and task label (results.json's `items`). */
export type ItemLookup = (study: string, model: string, task: string) => ItemDigest | undefined

/** A corpus perplexity's items: per document (or window) its NLL and its units, when the digest holds both. */
function perItemLoss(digest: ItemDigest | undefined, unit: string | undefined, where: string): LossItems | undefined {
  const key = unit === undefined ? undefined : DIGEST_UNIT_VALUES[unit as keyof typeof DIGEST_UNIT_VALUES]
  const values = digest?.values
  if (!digest || !key || !values?.nll || !values[key]) return undefined
  return {
    nll: decodeFloats(values.nll, digest.n, `${where} items.values.nll`),
    units: decodeFloats(values[key], digest.n, `${where} items.values.${key}`),
    ...(digest.kind === 'token_perplexity' ? { serial: true } : {}),
  }
}

/** An accuracy's per-item 0/1 and the items' clusters, when the digest holds them. */
function correctItems(digest: ItemDigest | undefined, metric: string, where: string): { items?: number[]; clusters?: number[] } {
  const bits = digest?.correct[metric]
  if (!digest || bits === undefined) return {}
  return { items: decodeBits(bits, digest.n, `${where} items.correct.${metric}`).map(Number), ...(digest.clusters ? { clusters: digest.clusters } : {}) }
}

/** Every case's digest of a results document, for analyzeStudies. */
export function itemLookup(doc: ResultsDocument): ItemLookup {
  const byCase = new Map(doc.cases.flatMap(c => (c.items ? [[JSON.stringify([c.study, c.model, c.task]), c.items] as const] : [])))
  return (study, model, task) => byCase.get(JSON.stringify([study, model, task]))
}

/** The task's first metric declared as an accuracy, among one model's points (in the order the task declares them). */
function isFirstAccuracy(point: MetricPoint, own: readonly MetricPoint[]): boolean {
  return point.info?.kind === 'accuracy' && own.find(p => p.task === point.task && p.info?.kind === 'accuracy') === point
}

/**
 * Per model of one study: its parameters, the loss's perplexity and each task's acc ± stderr. Accuracy laws
 * need a chance level, so tasks that declare none are left out (and named).
 */
export function scalingPoints(
  points: readonly MetricPoint[],
  named?: ScalingLoss,
  items: ItemLookup = () => undefined,
): {
  points: ScalingPoint[]
  loss: ScalingLoss | undefined
  withoutChance: string[]
  chanceLevels: Record<string, number>
} {
  const loss = lossMetric(points, named)
  const byModel = new Map<string, MetricPoint[]>()
  for (const p of points) byModel.set(p.model, [...(byModel.get(p.model) ?? []), p])
  const result: ScalingPoint[] = []
  for (const [model, own] of byModel) {
    const perplexity = own.find(p => p.task === loss?.task && p.metric === loss.metric)
    if (!perplexity) continue
    // Each task's first declared accuracy (declaration order: `acc` before `acc_norm`), known by its kind, not its name.
    const accuracies = Object.fromEntries(
      own
        .filter(p => isFirstAccuracy(p, own) && p.chance !== null && p.stderr !== undefined && p.stderr > 0)
        .map(p => [p.task, { acc: p.value, stderr: p.stderr!, ...correctItems(items(p.study, model, p.task), p.metric, `${model} › ${p.task}`) }]),
    )
    const first = own[0]!
    const lossItems = perItemLoss(items(first.study, model, perplexity.task), perplexity.info?.unit, `${model} › ${perplexity.task}`)
    result.push({
      modelId: model,
      params: { total: first.parameters, nonEmbedding: first.nonEmbeddingParameters },
      perplexity: perplexity.value,
      ...(lossItems ? { lossItems } : {}),
      ...(Object.keys(accuracies).length ? { accuracies } : {}),
    })
  }
  const withoutChance = [...new Set(points.filter(p => p.info?.kind === 'accuracy' && p.chance === null).map(p => p.task))].sort()
  const chanceLevels = Object.fromEntries(points.flatMap(p => (p.chance === null ? [] : [[p.task, p.chance] as const])))
  // Smallest model first: the analysis tables list models in this order.
  result.sort((a, b) => a.params.total - b.params.total)
  return { points: result, loss, withoutChance, chanceLevels }
}

/** A multi-family study's bits-per-byte comparison: the text it is measured on, the points, and the fit or why none. */
export interface CrossFamilyScaling {
  /** The task and metric the bits per byte come from. */
  readonly task: string
  readonly metric: string
  readonly points: readonly FamilyPoint[]
  /** Models that declared no family, left out of the fit. */
  readonly undeclared: readonly string[]
  readonly fit?: CrossFamilyFit
  readonly error?: string
}

/** Bits per UTF-8 byte, known by the metric's declared kind and unit: the one unit models with different tokenizers share. */
const isBitsPerByte = (p: MetricPoint) => p.info?.kind === 'bits' && p.info.unit === 'byte'

const declaredFamilies = (points: readonly MetricPoint[]) => [...new Set(points.flatMap(p => (p.family === undefined ? [] : [p.family])))].sort()

/**
 * Why a study's own law is not fitted on its loss, if it is a per-token perplexity of models from more than one
 * declared family: each family has its own tokenizer, so their token perplexities count different tokens.
 */
function tokensNotComparable(loss: ScalingLoss, points: readonly MetricPoint[]): string | undefined {
  const families = declaredFamilies(points)
  const unit = points.find(p => p.task === loss.task && p.metric === loss.metric)?.info?.unit
  if (unit !== 'token' || families.length < 2) return undefined
  return (
    `the loss is a per-token perplexity and the models come from ${families.length} families (${families.join(', ')}), each with its own ` +
    "tokenizer: their token perplexities count different tokens and do not compare. Name a per-word or per-byte perplexity in the study's " +
    '`scaling` to fit one law across them.'
  )
}

/**
 * Undefined unless the study's models declare at least two families. The first task (by name) reporting bits per
 * byte is the shared text; every model measured on it is a point, at its total parameters.
 */
export function crossFamilyScaling(points: readonly MetricPoint[]): CrossFamilyScaling | undefined {
  if (declaredFamilies(points).length < 2) return undefined
  const bits = points.filter(isBitsPerByte).sort((a, b) => a.task.localeCompare(b.task) || a.metric.localeCompare(b.metric))
  const first = bits[0]
  if (!first)
    return { task: '', metric: '', points: [], undeclared: [], error: 'no task of the study reports bits per byte (a metric of kind bits, unit byte).' }
  const onText = bits.filter(p => p.task === first.task && p.metric === first.metric)
  const undeclared = onText.filter(p => p.family === undefined).map(p => p.model)
  const familyPoints = onText.flatMap(p => (p.family === undefined ? [] : [{ model: p.model, family: p.family, params: p.parameters, bitsPerByte: p.value }]))
  const base = { task: first.task, metric: first.metric, points: familyPoints, undeclared }
  try {
    return { ...base, fit: fitCrossFamily(familyPoints) }
  } catch (error) {
    return { ...base, error: (error as Error).message }
  }
}

export interface StudyScaling {
  readonly study: string
  /** Present when the study's models declare more than one family. */
  readonly crossFamily?: CrossFamilyScaling
  /** The task and perplexity metric the loss comes from; undefined when the study reports none. */
  readonly loss: ScalingLoss | undefined
  readonly analysis?: ScalingAnalysis
  readonly error?: string
  readonly withoutChance: readonly string[]
  /** Tokens/s and memory against parameters per throughput phase (empty without throughput records). */
  readonly speed: readonly SpeedLaw[]
}

/** One scaling analysis per study, computed once for both the markdown section and the fit plot; `named` holds each study's loss. */
export function analyzeStudies(
  points: readonly MetricPoint[],
  named: ReadonlyMap<string, ScalingLoss> = new Map(),
  items: ItemLookup = () => undefined,
  speed: ReadonlyMap<string, readonly SpeedPoint[]> = new Map(),
): StudyScaling[] {
  const studies = [...new Set(points.map(p => p.study))].sort()
  return studies.map(study => {
    const own = points.filter(p => p.study === study)
    const { points: modelPoints, loss, withoutChance, chanceLevels } = scalingPoints(own, named.get(study), items)
    const crossFamily = crossFamilyScaling(own)
    const base = { study, loss, withoutChance, speed: fitSpeedLaws(speed.get(study) ?? []), ...(crossFamily ? { crossFamily } : {}) }
    if (!loss) return base
    const incomparable = tokensNotComparable(loss, own)
    if (incomparable) return { ...base, error: incomparable }
    try {
      const predict = named.get(study)?.predict
      return { ...base, analysis: analyzeScaling(modelPoints, { chanceLevels, ...(predict ? { predictAt: { total: [...predict] } } : {}) }) }
    } catch (error) {
      return { ...base, error: (error as Error).message }
    }
  })
}

export function scalingMarkdown(studies: readonly StudyScaling[], qualitySpeed: readonly QualitySpeedPoint[] = []): string | undefined {
  const sections = studies.map(({ study, loss, analysis, error, withoutChance, crossFamily, speed }) => {
    const heading = `## Scaling: ${study}`
    const speedSection = speedMarkdown(
      speed,
      analysis,
      qualitySpeed.filter(p => p.study === study),
    )
    const across = `${speedSection ? `\n\n${speedSection}` : ''}${crossFamily ? `\n\n${crossFamilyMarkdown(crossFamily)}` : ''}`
    if (!loss) return `${heading}\n\nNot fitted: the study reports no perplexity metric.${across}`
    const fitted = `Fitted on ${loss.task} ${loss.metric} (loss = ln ${loss.metric}).`
    if (!analysis) return `${heading}\n\n${fitted} Not fitted: ${error}${across}`
    const markdown = formatScalingMarkdown(analysis).replace(/^## Scaling\b/, `${heading}\n\n${fitted}`)
    const skipped = withoutChance.length ? ` Accuracy laws skip ${withoutChance.join(', ')} (no chance level known).` : ''
    return `${markdown.trim()}${skipped ? `\n\n${skipped.trim()}` : ''}${across}`
  })
  return sections.length ? sections.join('\n\n') : undefined
}

/**
 * The saturating law in words for the HTML page: the variable-projection fit (α, or its range when E is not
 * identifiable), the Huber cross-check's agreement, and the χ² verdict.
 */
export function saturatingStatement(scaling: StudyScaling): string | undefined {
  const total = scaling.analysis?.conventions.find(c => c.convention === 'total')
  if (!total) return undefined
  const law = total.saturatingLaw
  const profile = total.irreducibleProfile
  const alpha =
    !profile.identifiable && profile.alphaRange
      ? `α ${profile.alphaRange[0].toFixed(3)}–${profile.alphaRange[1].toFixed(3)} depending on E, which these points do not identify`
      : `α ${law.lossExponentAlpha.estimate.toFixed(3)}${law.lossExponentAlpha.interval ? ` [${law.lossExponentAlpha.interval[0].toFixed(3)}, ${law.lossExponentAlpha.interval[1].toFixed(3)}]` : ''}, E ${law.irreducibleLoss.estimate.toFixed(3)}`
  const fit = law.goodnessOfFit.available
    ? `χ² ${law.goodnessOfFit.chiSquared.toFixed(2)} on ${law.goodnessOfFit.dof} dof, p ${law.goodnessOfFit.pValue.toFixed(3)}${law.goodnessOfFit.describesPoints ? '' : ': the law does not describe the points'}`
    : `no χ² (${law.goodnessOfFit.reason})`
  return `Saturating law L = E + A·N^−α by variable projection: ${alpha}. Cross-check: ${law.huberCrossCheck.statement} Goodness of fit: ${fit}.`
}

const signed = (v: number, digits = 3) => v.toFixed(digits).replace('-', '−')

/** Speed laws beside the quality law, and the quality–speed Pareto front, in words and a table. */
function speedMarkdown(laws: readonly SpeedLaw[], analysis: ScalingAnalysis | undefined, front: readonly QualitySpeedPoint[]): string | undefined {
  if (!laws.length && !front.length) return undefined
  const parts = ['### Speed against size', '']
  if (laws.length) {
    const quality = analysis?.conventions.find(c => c.convention === 'total')
    const slope = quality?.perplexityLaw.perplexitySlope
    if (slope)
      parts.push(
        `Beside the quality law (perplexity ∝ N^${signed(slope.estimate, 4)}, ${slope.interval ? `95% interval [${signed(slope.interval[0], 4)}, ${signed(slope.interval[1], 4)}]` : 'no interval'}), each throughput phase's tokens/s and the process's resident memory after it, fitted as y = c·N^b over total parameters (OLS in log-log):`,
        '',
      )
    parts.push(
      '| phase | quantity | models | exponent b [95% interval] | ×y per doubling of N | R² |',
      '| --- | --- | --- | --- | --- | --- |',
      ...laws.map(
        l =>
          `| ${l.phase} | ${l.quantity} | ${l.models} | ${signed(l.exponent.estimate)} ${l.exponent.interval ? `[${signed(l.exponent.interval[0])}, ${signed(l.exponent.interval[1])}]` : '—'} | ${l.perDoubling.toFixed(3)} | ${l.rSquared.toFixed(3)} |`,
      ),
    )
  } else parts.push('No phase was timed on three or more model sizes: no speed law.')
  if (front.length) {
    const describe = (p: QualitySpeedPoint) => `${p.model} (${p.speed.toFixed(0)} scoring tok/s, ${p.value.toPrecision(4)})`
    const on = front.filter(p => p.onFront)
    const off = front.filter(p => !p.onFront)
    parts.push(
      '',
      `**Quality–speed Pareto front** (${front[0]!.metric} against scoring tokens/s; a model is on it when no other is both at least as fast and at least as good, and better on one): ${on.map(describe).join(', ')}. Dominated: ${off.length ? off.map(describe).join(', ') : 'none'}.`,
    )
  }
  return parts.join('\n')
}

const fixed = (v: number) => v.toFixed(4).replace('-', '−')
const withInterval = (e: { value: number; interval: readonly [number, number] }) => `${fixed(e.value)} [${fixed(e.interval[0])}, ${fixed(e.interval[1])}]`

function crossFamilyMarkdown(cross: CrossFamilyScaling): string {
  const heading = '### Across families (bits per byte)'
  if (!cross.fit) return `${heading}\n\nNot fitted: ${cross.error}`
  const { fit } = cross
  const pct = Math.round(fit.level * 100)
  const rows = fit.families.map(f => {
    const models = cross.points.filter(p => p.family === f).length
    return `| ${f} | ${models} | ${withInterval(fit.shared.offsets[f]!)} | ${withInterval(fit.perFamily.exponents[f]!)} |`
  })
  const left = cross.undeclared.length ? ` Left out (no declared family): ${cross.undeclared.join(', ')}.` : ''
  return [
    heading,
    '',
    `ln(bits per byte) = a_family − α · ln N on ${cross.task} ${cross.metric}, N = total parameters; shared exponent α = ${withInterval(fit.shared.exponent)} (${pct}% intervals).${left}`,
    '',
    '| family | models | offset a (shared α) | own exponent α |',
    '| ------ | ------ | ------------------- | -------------- |',
    ...rows,
    '',
    ...describeCrossFamily(fit).map(line => `- ${line}`),
  ].join('\n')
}
