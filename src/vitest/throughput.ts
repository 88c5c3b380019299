/**
 * Throughput with tinybench 6, once per loaded model: every phase the workload offers (scoring, prefill by
 * prompt length, batch-1 decode by context, batched decode), each timed for a fixed time so it gets enough
 * samples for an interval, each with the process's resident set after it and, where the workload states its
 * cost, as a share of the hardware bound timed in the same process.
 */
import { timeCall } from '../core/timing.ts'
import { timePairs } from './paired-timing.ts'
import { studentTCritical } from '../scaling/student-t.ts'
import type { CalibrationRecord, RateRecord, ThroughputRecord } from '../core/schema.ts'
import type { CalibrationWorkload, ThroughputWorkload } from '../core/executor.ts'

export interface ThroughputOptions {
  /** Minimum measuring time per phase (ms), its calls and the calibration paired with them; default 400. */
  readonly time?: number
  /** Minimum pairs of phase and calibration blocks per phase; default 10, the fewest the gate compares. */
  readonly iterations?: number
  readonly warmupIterations?: number
}

/** What every phase gets unless the study says otherwise: enough pairs for an interval, bounded in time. */
export const DEFAULT_THROUGHPUT_OPTIONS = { time: 400, iterations: 10, warmupIterations: 1 } as const

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface MeasuredThroughput {
  readonly throughput: ThroughputRecord
  /** The MatMul bound, timed right after the phases. */
  readonly calibration: CalibrationRecord
}

/** Each phase's call and the calibration its calls are paired with (at the threads the phase runs on). */
interface Phase {
  readonly call: () => Promise<number>
  readonly calibration: CalibrationWorkload
}

export async function measureThroughput(
  workload: ThroughputWorkload,
  calibrationWorkload: CalibrationWorkload,
  settings: ThroughputOptions = {},
  extra: { readonly loadMs?: number; readonly measuredIn?: string } = {},
): Promise<MeasuredThroughput> {
  const options = { ...DEFAULT_THROUGHPUT_OPTIONS, ...settings }
  const phases = await phaseCalls(workload, calibrationWorkload)
  const rate = (phase: string) => measureRate(phase, phases.get(phase)!, options)
  const curve = async (prefix: string, keys: readonly string[]) => {
    const rates: { key: number; rate: RateRecord }[] = []
    for (const key of [...keys].sort((a, b) => Number(a) - Number(b))) rates.push({ key: Number(key), rate: await rate(`${prefix}@${key}`) })
    return rates
  }
  const record: Mutable<ThroughputRecord> = {}
  if (workload.scoring) record.scoring = await rate('scoring')
  const prefill = await curve('prefill', Object.keys(workload.prefillByLength ?? {}))
  if (prefill.length) record.prefillByLength = prefill.map(({ key, rate }) => ({ length: key, ...rate }))
  if (workload.prefill) record.prefill = await rate('prefill')
  else if (prefill[0]) record.prefill = prefill[0].rate
  const decode = await curve('decode', Object.keys(workload.decodeByContext ?? {}))
  if (decode.length) record.decodeByContext = decode.map(({ key, rate }) => ({ context: key, ...rate }))
  if (workload.decodeCached) record.decodeCached = await rate('decodeCached')
  else if (decode[0]) record.decodeCached = decode[0].rate
  if (workload.batchedDecode) {
    const { batch, context } = workload.batchedDecode
    record.batchedDecode = { batch, context, ...(await rate('batchedDecode')) }
  }
  if (workload.decodeNoCache) record.decodeNoCache = await rate('decodeNoCache')
  const calibration = await measureCalibration(calibrationWorkload, options)
  const bandwidth = workload.bandwidth ? await measureCalibration(await workload.bandwidth(), options) : undefined
  if (bandwidth) record.bandwidth = bandwidth
  if (workload.threads) record.threads = { ...workload.threads }
  if (extra.loadMs !== undefined) record.loadMs = extra.loadMs
  if (extra.measuredIn !== undefined) record.measuredIn = extra.measuredIn
  return { throughput: workload.cost ? withFractions(record, workload.cost, calibration, bandwidth) : record, calibration }
}

/** Each rate as a share of its bound: FLOP/s over the MatMul rate for prefill and scoring, bytes/s over the bandwidth for batch-1 decode. */
function withFractions(
  record: ThroughputRecord,
  cost: NonNullable<ThroughputWorkload['cost']>,
  matmul: CalibrationRecord,
  bandwidth: CalibrationRecord | undefined,
): ThroughputRecord {
  const compute = <R extends RateRecord>(rate: R | undefined): R | undefined =>
    rate && matmul.unit === 'FLOP' ? { ...rate, fractionOfBound: (rate.tokensPerSecond * cost.flopsPerToken) / matmul.unitsPerSecond } : rate
  const memory = <R extends RateRecord>(rate: R | undefined): R | undefined =>
    rate && bandwidth?.unit === 'byte' ? { ...rate, fractionOfBound: (rate.tokensPerSecond * cost.bytesPerDecodedToken) / bandwidth.unitsPerSecond } : rate
  return dropUndefined({
    ...record,
    scoring: compute(record.scoring),
    prefill: compute(record.prefill),
    prefillByLength: record.prefillByLength?.map(rate => compute(rate)!),
    decodeCached: memory(record.decodeCached),
    decodeByContext: record.decodeByContext?.map(rate => memory(rate)!),
  })
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

async function measureRate(name: string, phase: Phase, options: Required<ThroughputOptions>): Promise<RateRecord> {
  const timed = await timePairs(name, phase.call, phase.calibration, { time: options.time, pairs: options.iterations })
  const latency = latencySummary(timed.latenciesMs)
  return {
    tokensPerSecond: (timed.tokensPerCall * 1000) / latency.meanMs,
    tokensPerCall: timed.tokensPerCall,
    ...latency,
    paired: { calibration: phase.calibration.name, ratio: timed.ratio, margin: timed.margin, cpu: timed.cpu },
    rssBytes: process.memoryUsage.rss(),
  }
}

/** Mean, median and 99th percentile (nearest rank) of the per-pair latencies, with the mean's relative 95% t-margin in percent. */
export function latencySummary(latenciesMs: readonly number[]) {
  const n = latenciesMs.length
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const meanMs = sorted.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(sorted.reduce((sum, x) => sum + (x - meanMs) ** 2, 0) / (n - 1))
  const rank = (q: number) => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!
  const p50Ms = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  return { meanMs, p50Ms, p99Ms: rank(0.99), rme: (100 * studentTCritical(0.95, n - 1) * sd) / Math.sqrt(n) / meanMs, samples: n }
}

/** Times a calibration (or bandwidth) workload with the same tinybench settings as the rates it bounds. */
export async function measureCalibration(
  calibration: CalibrationWorkload,
  options: ThroughputOptions = DEFAULT_THROUGHPUT_OPTIONS,
): Promise<CalibrationRecord> {
  const timed = await timeCalls(`calibration ${calibration.name}`, calibration.unit, calibration.run, options)
  return {
    name: calibration.name,
    unit: calibration.unit,
    unitsPerCall: timed.perCall,
    unitsPerSecond: timed.perSecond,
    meanMs: timed.timing.meanMs,
    rme: timed.timing.rme,
    samples: timed.timing.samples,
  }
}

async function timeCalls(name: string, unit: string, call: () => Promise<number>, options: ThroughputOptions) {
  let unitsPerCall: number | undefined
  const timing = await timeCall(
    name,
    async () => {
      const units = await call()
      if (!(Number.isInteger(units) && units > 0)) {
        throw new Error(`lmscale: the ${name} workload must resolve to a positive whole number of ${unit}, got ${units}`)
      }
      if (unitsPerCall !== undefined && units !== unitsPerCall) {
        throw new Error(`lmscale: the ${name} workload processed ${units} ${unit} after ${unitsPerCall}; every call must do the same work`)
      }
      unitsPerCall = units
    },
    options,
  )
  if (unitsPerCall === undefined) throw new Error(`lmscale: tinybench never ran the ${name} workload`)
  return { perCall: unitsPerCall, perSecond: (unitsPerCall * 1000) / timing.meanMs, timing }
}

/**
 * Each phase under the name namedRates gives its rate (core/throughput-phases.ts), with the calibration its calls
 * are paired with: scoring runs at the scoring threads, every other phase in the decode session at the decode
 * threads, so each is paired with a calibration that competes for the same cores.
 */
export async function phaseCalls(workload: ThroughputWorkload, calibration: CalibrationWorkload): Promise<Map<string, Phase>> {
  const at = async (threads: number | undefined) => (threads !== undefined && workload.calibrationAt ? await workload.calibrationAt(threads) : calibration)
  const scoring = await at(workload.threads?.scoring)
  const decode = await at(workload.threads?.decode)
  const phases = new Map<string, Phase>()
  if (workload.scoring) phases.set('scoring', { call: workload.scoring, calibration: scoring })
  for (const [length, call] of Object.entries(workload.prefillByLength ?? {})) phases.set(`prefill@${length}`, { call, calibration: decode })
  if (workload.prefill) phases.set('prefill', { call: workload.prefill, calibration: decode })
  for (const [context, call] of Object.entries(workload.decodeByContext ?? {})) phases.set(`decode@${context}`, { call, calibration: decode })
  if (workload.decodeCached) phases.set('decodeCached', { call: workload.decodeCached, calibration: decode })
  if (workload.batchedDecode) phases.set('batchedDecode', { call: workload.batchedDecode.run, calibration: decode })
  if (workload.decodeNoCache) phases.set('decodeNoCache', { call: workload.decodeNoCache, calibration: decode })
  return phases
}

/**
 * Times `phases` again in pairs with their calibrations as the first measurement did, for twice the time and
 * twice the pairs (a narrower interval): the gate decides on this second median when the first was not SAME.
 */
export async function confirmPhases(
  workload: ThroughputWorkload,
  calibration: CalibrationWorkload,
  phases: readonly string[],
  settings: ThroughputOptions = {},
): Promise<NonNullable<ThroughputRecord['confirmation']>> {
  const options = { ...DEFAULT_THROUGHPUT_OPTIONS, ...settings }
  const calls = await phaseCalls(workload, calibration)
  const confirmation: Mutable<NonNullable<ThroughputRecord['confirmation']>> = {}
  for (const name of phases) {
    const phase = calls.get(name)
    if (!phase) continue
    const timed = await timePairs(name, phase.call, phase.calibration, { time: 2 * options.time, pairs: 2 * options.iterations })
    confirmation[name] = { pairs: timed.latenciesMs.length, ratio: timed.ratio, margin: timed.margin, cpu: timed.cpu }
  }
  return confirmation
}
