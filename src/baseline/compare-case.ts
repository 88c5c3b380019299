/**
 * Compares one case with its baseline entry. Exact mode (same model hash, options and environment on CPU):
 * every metric and per-item number must be bit-identical. Statistical mode: a paired exact McNemar test on
 * per-item correctness for accuracy, a relative tolerance for perplexity, and for throughput the ratio of
 * rates each divided by a calibration timed call by call beside it, judged beyond the interval of that ratio.
 */
import { machineDifferences, machineStateDifference, speedVerdict, type SpeedVerdict } from './speed-verdict.ts'
import { namedRates, timedHere } from '../core/throughput-phases.ts'
import { type CaseEntry, type CaseRecord, DIGEST_UNIT_VALUES, type EnvironmentStamp, type MetricValueRecord, type RateRecord } from '../core/schema.ts'
import { MIN_SHIFT_VALUES, shiftInterval } from '../statistics/shift-interval.ts'
import type { MetricInfo } from '../core/task-info.ts'
import { dataChanges, identityChanges } from '../core/identity-changes.ts'
import { decodeBits, decodeFloats } from '../core/bitset.ts'
import type { CompareSettings, Comparison, Verdict } from '../core/comparison.ts'
import type { BaselineEntry } from './schema.ts'
import { discordantPairs, mcnemarExactP, twoSidedNormalP } from '../statistics/significance.ts'
import { documentPerplexityRatio, pairedSummary, type PairedSummary, windowPerplexityRatio } from '../statistics/paired-summary.ts'

type Row = Omit<Comparison, 'study' | 'model' | 'task'>

/** Environment fields that can change floating-point results: equal fields make exact comparison meaningful. */
const numericEnvironment = ['node', 'platform', 'arch', 'onnxruntime', 'executionProvider', 'cpu', 'cpuId', 'cpuCount', 'threads'] as const

export function environmentDifferences(baseline: EnvironmentStamp, current: EnvironmentStamp): string[] {
  return numericEnvironment.filter(field => baseline[field] !== current[field]).map(field => `${field} ${baseline[field]} → ${current[field]}`)
}

/** "model changed", naming the files and settings that differ when both sides recorded them. */
function modelChanged(baseline: BaselineEntry, record: CaseRecord): string {
  const changes = identityChanges(baseline.model, record.model)
  const what = changes.length ? `: ${changes.join(', ')}` : ''
  return `model changed${what} (identity ${baseline.model.hash.slice(0, 12)} → ${record.model.hash.slice(0, 12)})`
}

/** "dataset changed", naming each file whose sha256 differs, when both sides recorded their dataset files. */
function datasetChanged(baseline: BaselineEntry, record: CaseRecord): string | undefined {
  if (!baseline.data || !record.data) return undefined
  const changes = dataChanges(baseline.data, record.data)
  return changes.length ? `dataset changed: ${changes.join(', ')}` : undefined
}

/** Why exact comparison does not apply, or an empty list when it does. */
export function exactObstacles(baseline: BaselineEntry, record: CaseRecord): string[] {
  const obstacles = environmentDifferences(baseline.environment, record.environment)
  const dataset = datasetChanged(baseline, record)
  if (dataset) obstacles.unshift(dataset)
  if (baseline.model.hash !== record.model.hash) obstacles.unshift(modelChanged(baseline, record))
  if (baseline.optionsHash !== record.optionsHash) obstacles.push(`options ${JSON.stringify(baseline.options)} → ${JSON.stringify(record.options)}`)
  if (record.environment.executionProvider !== 'cpu') obstacles.push(`execution provider ${record.environment.executionProvider} is not deterministic`)
  return obstacles
}

export function compareCase(entry: CaseEntry, baseline: BaselineEntry | undefined, settings: CompareSettings): Comparison[] {
  const record = entry.record
  if (!record) return []
  const where = { study: entry.study, model: entry.model, task: entry.task }
  if (!baseline) {
    return [{ ...where, metric: '*', method: 'none', baseline: null, current: null, change: null, detail: 'no baseline entry; add it with -u', verdict: 'new' }]
  }
  if (baseline.task.version !== record.task.version) {
    const detail = `baseline is for task version ${baseline.task.version}, the run used ${record.task.version}; re-create the baseline with -u`
    return [{ ...where, metric: '*', method: 'none', baseline: null, current: null, change: null, detail, verdict: 'incomparable' }]
  }
  const obstacles = exactObstacles(baseline, record)
  const exact = settings.mode === 'exact' || (settings.mode === 'auto' && obstacles.length === 0)
  let rows: Row[]
  if (exact && obstacles.length) {
    rows = [
      {
        metric: '*',
        method: 'exact',
        baseline: null,
        current: null,
        change: null,
        detail: `exact mode needs the baseline's model and environment: ${obstacles.join('; ')}`,
        verdict: 'incomparable',
      },
    ]
  } else if (exact) {
    rows = exactRows(baseline, record, entry)
  } else {
    rows = Object.entries(baseline.metrics).map(([metric, base]) => statisticalRow(metric, base, record.metrics[metric], baseline, entry, settings))
  }
  const changed = [...modelChangedRow(baseline, record, exact), ...datasetChangedRow(baseline, record, exact)]
  return [...rows, ...(timedHere(entry) ? throughputRows(baseline, record, settings) : []), ...changed].map(row => ({ ...where, ...row }))
}

/** A changed model is said out loud: its numbers were judged statistically, never bit for bit. */
function modelChangedRow(baseline: BaselineEntry, record: CaseRecord, exact: boolean): Row[] {
  if (exact || baseline.model.hash === record.model.hash) return []
  const detail = `${modelChanged(baseline, record)}; compared statistically, not bit for bit`
  return [{ metric: 'model', method: 'none', baseline: null, current: null, change: null, detail, verdict: 'unchecked' }]
}

/** A changed dataset is said out loud too: the same model on other documents, judged statistically. */
function datasetChangedRow(baseline: BaselineEntry, record: CaseRecord, exact: boolean): Row[] {
  const dataset = datasetChanged(baseline, record)
  if (exact || !dataset) return []
  return [
    {
      metric: 'dataset',
      method: 'none',
      baseline: null,
      current: null,
      change: null,
      detail: `${dataset}; compared statistically, not bit for bit`,
      verdict: 'unchecked',
    },
  ]
}

function missingRow(metric: string, base: MetricValueRecord): Row {
  return { metric, method: 'none', baseline: base.value, current: null, change: null, detail: 'the run no longer reports this metric', verdict: 'regression' }
}

function exactRows(baseline: BaselineEntry, record: CaseRecord, entry: CaseEntry): Row[] {
  const rows: Row[] = Object.entries(baseline.metrics).map(([metric, base]) => {
    const now = record.metrics[metric]
    if (!now) return missingRow(metric, base)
    const same = Object.is(base.value, now.value)
    return {
      metric,
      method: 'exact',
      baseline: base.value,
      current: now.value,
      change: now.value - base.value,
      detail: same ? 'bit-identical' : 'not bit-identical with the same model and environment',
      verdict: same ? 'unchanged' : 'regression',
    }
  })
  if (baseline.items && entry.items && baseline.items.sha256 !== entry.items.sha256) {
    rows.push({
      metric: 'per-item records',
      method: 'exact',
      baseline: baseline.items.n,
      current: entry.items.n,
      change: null,
      detail: `per-item records differ (sha256 ${baseline.items.sha256.slice(0, 12)} → ${entry.items.sha256.slice(0, 12)}) with the same model and environment`,
      verdict: 'regression',
    })
  }
  return rows
}

/**
 * How a metric is judged, from the metadata its task declared: per-item accuracies are tested, continuous
 * per-item scores get an interval, corpus-level losses a tolerance.
 */
function metricRule(info: MetricInfo | undefined): 'accuracy' | 'continuous' | 'ratio' | 'nats' | 'bits' | undefined {
  if (info?.kind === 'accuracy') return 'accuracy'
  if (info?.aggregation === 'mean') return 'continuous'
  if (info?.direction !== 'lower') return undefined
  return info.kind === 'perplexity' || info.kind === 'perplexity_ratio' ? 'ratio' : info.kind === 'nll' ? 'nats' : info.kind === 'bits' ? 'bits' : undefined
}

function statisticalRow(
  metric: string,
  base: MetricValueRecord,
  now: MetricValueRecord | undefined,
  baseline: BaselineEntry,
  entry: CaseEntry,
  settings: CompareSettings,
): Row {
  if (!now) return missingRow(metric, base)
  const figures = { metric, baseline: base.value, current: now.value, change: now.value - base.value }
  const rule = metricRule(entry.record?.task.metrics[metric])
  if (rule === 'accuracy') return accuracyRow(figures, base, now, baseline, entry)
  if (rule === 'continuous') return continuousRow(figures, base, now, baseline, entry)
  if (rule === undefined) return { ...figures, method: 'none', detail: 'no statistical gating rule for this metric (its bands gate it)', verdict: 'unchecked' }
  // Lower is better for every perplexity-like metric; tolerance r on perplexity is ln(1 + r) nats, log2(1 + r) bits.
  const r = settings.perplexityTolerance
  const [excess, allowed, unit] =
    rule === 'ratio'
      ? [now.value / base.value - 1, r, '%']
      : rule === 'nats'
        ? [figures.change, Math.log1p(r), ' nats']
        : [figures.change, Math.log2(1 + r), ' bits']
  const show = (v: number) => (unit === '%' ? `${(v * 100).toFixed(2)}%` : `${v.toFixed(4)}${unit}`)
  const verdict: Verdict = excess > allowed ? 'regression' : excess < -allowed ? 'improvement' : 'unchanged'
  const paired = rule === 'ratio' ? perplexityInterval(entry.record?.task.metrics[metric]?.unit, baseline, entry) : ''
  return { ...figures, method: 'tolerance', detail: `${excess >= 0 ? '+' : ''}${show(excess)} against a tolerance of ±${show(allowed)}${paired}`, verdict }
}

/**
 * A perplexity of the same documents or windows: the paired interval of its ratio, shown beside the tolerance.
 * Per word or byte, over documents resampled one by one; per token, over the windows of one text with their
 * neighbours' correlation allowed for (statistics/paired-summary.ts).
 */
function perplexityInterval(unit: string | undefined, baseline: BaselineEntry, entry: CaseEntry): string {
  const units = unit === undefined ? undefined : DIGEST_UNIT_VALUES[unit as keyof typeof DIGEST_UNIT_VALUES]
  const [base, now] = [baseline.items, entry.items]
  if (!units || !base?.values?.nll || !now?.values?.nll || !now.values[units] || base.n !== now.n) return ''
  const n = base.n
  const baseNll = decodeFloats(base.values.nll, n, 'baseline items.values.nll')
  const nowNll = decodeFloats(now.values.nll, n, 'run items.values.nll')
  const nowUnits = decodeFloats(now.values[units], n, `run items.values.${units}`)
  if (units !== 'tokens') {
    const interval = documentPerplexityRatio(baseNll, nowNll, nowUnits)
    return `; paired over ${n} documents ×${interval.ratio.toFixed(4)}, 95% interval ×${interval.low.toFixed(4)}–×${interval.high.toFixed(4)}`
  }
  const baseUnits = base.values.tokens && decodeFloats(base.values.tokens, n, 'baseline items.values.tokens')
  if (!baseUnits || baseUnits.some((t, i) => t !== nowUnits[i]))
    return "; the windows score other tokens than the baseline's (another tokenization): no paired interval"
  const interval = windowPerplexityRatio(baseNll, nowNll, nowUnits)
  if (!interval) return ''
  return `; paired over ${n} windows ×${interval.ratio.toFixed(4)}, 95% interval ×${interval.low.toFixed(4)}–×${interval.high.toFixed(4)} (neighbouring windows correlate ${interval.lag1.toFixed(2)}, allowed for)`
}

type Figures = Pick<Row, 'metric' | 'baseline' | 'current' | 'change'>

/** A metric's two values and the two sides' records, baseline first. */
type PairedSides = readonly [base: MetricValueRecord, now: MetricValueRecord, baseline: BaselineEntry, entry: CaseEntry]

/** Paired exact McNemar on the per-item bits when both sides have them for the same items, else an unpaired z-test. */
function accuracyRow(figures: Figures, ...[base, now, baseline, entry]: PairedSides): Row {
  const baseBits = baseline.items?.correct[figures.metric]
  const nowBits = entry.items?.correct[figures.metric]
  if (baseBits !== undefined && nowBits !== undefined && baseline.items!.n === entry.items!.n) {
    const n = baseline.items!.n
    const before = decodeBits(baseBits, n, `baseline items.correct.${figures.metric}`)
    const after = decodeBits(nowBits, n, `run items.correct.${figures.metric}`)
    const pairs = discordantPairs(before, after)
    const pValue = mcnemarExactP(pairs.worse, pairs.better)
    const flipped = (from: boolean) => before.flatMap((was, i) => (was === from && after[i] !== from ? [i] : []))
    const clusters = baseline.items!.clusters ?? entry.items!.clusters
    const paired = pairedSummary(before.map(Number), after.map(Number), { binary: true, ...(clusters ? { clusters } : {}) })
    return {
      ...figures,
      method: 'mcnemar',
      pValue,
      ...evidence(paired),
      detail: `${pairs.worse} right→wrong, ${pairs.better} wrong→right of ${n}; ${describeEvidence(paired)}`,
      flips: { rightToWrong: flipped(true), wrongToRight: flipped(false) },
      verdict: 'unchanged',
    }
  }
  return unpairedRow(figures, base, now)
}

/** The interval and MDE as a comparison row carries them. */
function evidence({ interval, mde }: PairedSummary): Pick<Row, 'interval' | 'mde'> {
  return { interval: { low: interval.low, high: interval.high, level: interval.level, clusters: interval.clusters }, ...(mde === undefined ? {} : { mde }) }
}

function describeEvidence({ interval, mde }: PairedSummary): string {
  const detectable = mde === undefined ? '' : `, detectable ±${mde.toPrecision(2)} at 80% power`
  return `paired bootstrap ${Math.round(interval.level * 100)}% interval [${formatSigned(interval.low)}, ${formatSigned(interval.high)}]${detectable}`
}

function formatSigned(value: number): string {
  return `${value < 0 ? '−' : value > 0 ? '+' : ''}${Math.abs(value).toPrecision(3)}`
}

/**
 * A continuous per-item score over the same items: the mean paired difference, tested with its (clustered)
 * standard error and shown with a paired bootstrap interval; without per-item values on both sides, the
 * unpaired z-test from the stderrs.
 */
function continuousRow(figures: Figures, ...[base, now, baseline, entry]: PairedSides): Row {
  const better = entry.record?.task.metrics[figures.metric]?.direction === 'lower' ? { better: 'lower' as const } : {}
  const baseValues = baseline.items?.values?.[figures.metric]
  const nowValues = entry.items?.values?.[figures.metric]
  if (baseValues === undefined || nowValues === undefined || baseline.items!.n !== entry.items!.n) return { ...unpairedRow(figures, base, now), ...better }
  const n = baseline.items!.n
  const clusters = baseline.items!.clusters ?? entry.items!.clusters
  const paired = pairedSummary(
    decodeFloats(baseValues, n, `baseline items.values.${figures.metric}`),
    decodeFloats(nowValues, n, `run items.values.${figures.metric}`),
    clusters ? { clusters } : {},
  )
  const se = paired.standardError
  if (se === undefined || se === 0) {
    const detail = se === 0 ? 'every item moved by the same amount' : 'fewer than two clusters of items'
    return { ...figures, ...better, method: 'none', detail: `${detail}: no paired test`, verdict: figures.change === 0 ? 'unchanged' : 'unchecked' }
  }
  const z = (now.value - base.value) / se
  const clustered = clusters ? `, ${paired.interval.clusters} clusters` : ''
  return {
    ...figures,
    ...better,
    method: 'paired-bootstrap',
    pValue: twoSidedNormalP(z),
    ...evidence(paired),
    detail: `z = ${z.toFixed(2)} over ${n} paired items${clustered}; ${describeEvidence(paired)}`,
    verdict: 'unchanged',
  }
}

/** Without paired per-item records: a z-test from the two stderrs, or nothing to test with. */
function unpairedRow(figures: Figures, base: MetricValueRecord, now: MetricValueRecord): Row {
  if (base.stderr !== undefined && now.stderr !== undefined && (base.stderr > 0 || now.stderr > 0)) {
    const z = (now.value - base.value) / Math.hypot(base.stderr, now.stderr)
    return {
      ...figures,
      method: 'unpaired-z',
      pValue: twoSidedNormalP(z),
      detail: `z = ${z.toFixed(2)} from the stderrs (no paired per-item records)`,
      verdict: 'unchanged',
    }
  }
  if (figures.change === 0) return { ...figures, method: 'none', detail: 'equal (no per-item records or stderr to test with)', verdict: 'unchanged' }
  return { ...figures, method: 'none', detail: 'no per-item records or stderr to test the change with', verdict: 'unchecked' }
}

/**
 * Each phase's ratio to its calibration, current over baseline: the shift between the two runs' rounds
 * (paired-timing.ts) with its distribution-free interval, judged as Pinpoint does (speed-verdict.ts): SAME
 * passes, DIFFERENT slower fails, UNKNOWN is reported. A phase whose first measurement was not SAME was timed
 * again in rounds in the run (confirmation) and fails only when the confirmation says DIFFERENT with the first on
 * the same side (finalJudgement). Wall time decides; CPU time is shown beside it, not gated: the process's CPU clock
 * counts every thread, V8's garbage collector too, and an unchanged idle rerun read ×0.63 by CPU time in both
 * measurements while wall time read ×0.92. Runs on another machine are never compared.
 */
function throughputRows(baseline: BaselineEntry, record: CaseRecord, settings: CompareSettings): Row[] {
  return throughputJudgements(baseline, record, settings.throughputTolerance).map(({ phase, baselineRate, currentRate, ...judged }) => {
    const figures = { metric: `throughput ${phase}`, baseline: baselineRate, current: currentRate }
    if (!('verdict' in judged)) return { ...figures, change: null, method: 'none', detail: judged.skipped, verdict: 'unchecked' }
    const { first, confirmed, final } = judged
    const one = (j: Judged) => `${j.verdict} ×${j.ratio.toFixed(3)} (95% ×${j.low.toFixed(2)}–×${j.high.toFixed(2)})`
    const describe = (j: Signals, what: string) => `${what}: wall ${one(j.wall)}, CPU ${one(j.cpu)}`
    const detail = [
      describe(first, 'first'),
      ...(confirmed ? [describe(confirmed, `confirmed (${judged.rounds} rounds)`)] : []),
      `tolerance ${(settings.throughputTolerance * 100).toFixed(0)}%`,
    ].join('; ')
    const verdict: Verdict = final.verdict === 'SAME' ? 'unchanged' : final.verdict === 'UNKNOWN' ? 'unchecked' : final.ratio < 1 ? 'regression' : 'improvement'
    if (verdict === 'regression' && !settings.gateThroughput) {
      const ungated = `${detail}; slower, reported but not gated (the throughput gate is off; baseline.gateThroughput: true or LMSCALE_GATE_THROUGHPUT=1 turns it on)`
      return { ...figures, change: final.ratio - 1, method: 'calibrated-ratio', detail: ungated, verdict: 'unchecked' }
    }
    return { ...figures, change: final.ratio - 1, method: 'calibrated-ratio', detail, verdict }
  })
}

/**
 * One signal's verdict: DIFFERENT only when the first measurement and its confirmation both say so, in the same
 * direction; SAME when either is SAME (the confirmation is only taken when the first was not); else UNKNOWN.
 */
function finalJudgement(first: Judged, confirmed: Judged | undefined): Judged {
  if (!confirmed) return first
  if (confirmed.verdict === 'DIFFERENT' && first.verdict === 'DIFFERENT' && confirmed.ratio < 1 === first.ratio < 1) return confirmed
  if (confirmed.verdict === 'SAME') return confirmed
  return { ...confirmed, verdict: 'UNKNOWN' }
}

export interface Judged {
  readonly verdict: SpeedVerdict
  readonly ratio: number
  /** The ratio's 95% interval. */
  readonly low: number
  readonly high: number
}

interface Signals {
  readonly wall: Judged
  readonly cpu: Judged
}

type PhaseJudgement = { readonly phase: string; readonly baselineRate: number; readonly currentRate: number } & (
  | { readonly skipped: string }
  | { readonly verdict: SpeedVerdict; readonly final: Judged; readonly first: Signals; readonly confirmed?: Signals; readonly rounds?: number }
)

/**
 * Every phase the baseline and the record share, judged from the record's first measurement and, when it has
 * one, its confirmation, by wall time and by CPU time. The run's worker calls it too, to choose the phases to
 * measure again.
 */
export function throughputJudgements(baseline: BaselineEntry, record: CaseRecord, tolerance: number): PhaseJudgement[] {
  const base = baseline.throughput
  if (!base || !record.throughput) return []
  const current = new Map(namedRates(record.throughput).map(({ phase, rate }) => [phase, rate]))
  const machine = machineDifferences(baseline.environment, record.environment)
  const state = machineStateDifference(base.calibration, record.calibration, tolerance)
  const confirmations = record.throughput.confirmation ?? {}
  return Object.entries(base.rates).flatMap(([phase, baseRate]): PhaseJudgement[] => {
    const nowRate = current.get(phase)
    if (!nowRate) return []
    const figures = { phase, baselineRate: baseRate.tokensPerSecond, currentRate: nowRate.tokensPerSecond }
    if (machine.length) return [{ ...figures, skipped: `not compared: another machine (${machine.join(', ')})` }]
    if (state) return [{ ...figures, skipped: state }]
    const [now, then] = [nowRate.paired, baseRate.paired]
    if (!now?.rounds || !then?.rounds) {
      const why = then?.rounds ? 'the run did not time it in rounds with a calibration' : 'the baseline predates timing in rounds; re-create it with -u'
      return [{ ...figures, skipped: `not gated: ${why}` }]
    }
    if (now.calibration !== then.calibration) {
      return [{ ...figures, skipped: `not compared: paired with ${now.calibration}, the baseline with ${then.calibration}` }]
    }
    const against = (measured: PairedRounds): Signals | string => {
      const fewest = Math.min(measured.rounds?.length ?? 0, measured.cpu.rounds?.length ?? 0, then.rounds!.length, then.cpu.rounds?.length ?? 0)
      if (fewest < MIN_SHIFT_VALUES) return `not gated: ${fewest} rounds; gating needs ≥ ${MIN_SHIFT_VALUES} (the study's throughput: { iterations })`
      return { wall: judge(then.rounds!, measured.rounds!, tolerance), cpu: judge(then.cpu.rounds!, measured.cpu.rounds!, tolerance) }
    }
    const first = against(now)
    if (typeof first === 'string') return [{ ...figures, skipped: first }]
    const again = confirmations[phase]
    const confirmed = again ? against(again) : undefined
    const checked = typeof confirmed === 'string' ? undefined : confirmed
    const final = finalJudgement(first.wall, checked?.wall)
    return [{ ...figures, verdict: final.verdict, final, first, ...(checked ? { confirmed: checked, rounds: again!.rounds!.length } : {}) }]
  })
}

type PairedRounds = Omit<NonNullable<RateRecord['paired']>, 'calibration'>

/** One signal's ratio, run over baseline, as the shift between the two runs' rounds (log ratios). */
function judge(before: readonly number[], after: readonly number[], tolerance: number): Judged {
  const { shift, low, high } = shiftInterval(before, after)
  const interval = { low: Math.exp(low), high: Math.exp(high) }
  return { verdict: speedVerdict(interval, tolerance), ratio: Math.exp(shift), ...interval }
}
