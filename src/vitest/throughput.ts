/**
 * Throughput once per loaded model: every phase the workload offers (scoring, prefill by prompt length, batch-1
 * decode by context, batched decode), timed together in rounds, each phase paired with a calibration at its
 * threads (paired-timing.ts), each with the process's resident set after it and, where the workload states its
 * cost, as a share of the hardware bound timed in the same process.
 */
import { timeCall } from '../core/timing.ts'
import { medianRatio, type PairedPhase, type PhaseRounds, timeRounds } from './paired-timing.ts'
import { studentTCritical } from '../scaling/student-t.ts'
import type { CalibrationRecord, RateRecord, ThroughputRecord } from '../core/schema.ts'
import type { CalibrationWorkload, ThroughputWorkload } from '../core/executor.ts'

export interface ThroughputOptions {
  /** Minimum measuring time per phase (ms), its calls and the calibration paired with them, over all rounds; default 400. */
  readonly time?: number
  /** Rounds, each timing every phase once in a pair with its calibration; default 8 (at least 6, the fewest the gate compares). */
  readonly iterations?: number
  /** Rounds timed first and dropped; default 1. */
  readonly warmupIterations?: number
}

/** What every phase gets unless the study says otherwise: enough rounds for an interval, bounded in time. */
export const DEFAULT_THROUGHPUT_OPTIONS = { time: 400, iterations: 8, warmupIterations: 1 } as const

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface MeasuredThroughput {
  readonly throughput: ThroughputRecord
  /** The MatMul bound, timed right after the phases. */
  readonly calibration: CalibrationRecord
}

export async function measureThroughput(
  workload: ThroughputWorkload,
  calibrationWorkload: CalibrationWorkload,
  settings: ThroughputOptions = {},
  extra: { readonly loadMs?: number; readonly measuredIn?: string } = {},
): Promise<MeasuredThroughput> {
  const options = { ...DEFAULT_THROUGHPUT_OPTIONS, ...settings }
  const phases = await phaseCalls(workload, calibrationWorkload)
  const timed = await timeRounds(phases, roundOptions(options))
  const rate = (phase: string) => rateRecord(phases.find(p => p.name === phase)!, timed.get(phase)!)
  const curve = (prefix: string, keys: readonly string[]) =>
    [...keys].sort((a, b) => Number(a) - Number(b)).map(key => ({ key: Number(key), rate: rate(`${prefix}@${key}`) }))
  const record: Mutable<ThroughputRecord> = {}
  if (workload.scoring) record.scoring = rate('scoring')
  const prefill = curve('prefill', Object.keys(workload.prefillByLength ?? {}))
  if (prefill.length) record.prefillByLength = prefill.map(({ key, rate }) => ({ length: key, ...rate }))
  if (workload.prefill) record.prefill = rate('prefill')
  else if (prefill[0]) record.prefill = prefill[0].rate
  const decode = curve('decode', Object.keys(workload.decodeByContext ?? {}))
  if (decode.length) record.decodeByContext = decode.map(({ key, rate }) => ({ context: key, ...rate }))
  if (workload.decodeCached) record.decodeCached = rate('decodeCached')
  else if (decode[0]) record.decodeCached = decode[0].rate
  if (workload.batchedDecode) {
    const { batch, context } = workload.batchedDecode
    record.batchedDecode = { batch, context, ...rate('batchedDecode') }
  }
  if (workload.decodeNoCache) record.decodeNoCache = rate('decodeNoCache')
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

function roundOptions(options: Required<ThroughputOptions>) {
  return { time: options.time, rounds: options.iterations, warmupRounds: options.warmupIterations }
}

/** A phase's rounds as its rate: tokens/s from the mean latency, the rounds kept for the gate. */
function rateRecord(phase: PairedPhase, timed: PhaseRounds): RateRecord {
  const latency = latencySummary(timed.latenciesMs)
  return {
    tokensPerSecond: (timed.tokensPerCall * 1000) / latency.meanMs,
    tokensPerCall: timed.tokensPerCall,
    ...latency,
    paired: { calibration: phase.calibration.name, ...pairedRounds(timed) },
    rssBytes: timed.rssBytes,
  }
}

function pairedRounds(timed: PhaseRounds) {
  return { ...medianRatio(timed.wall), rounds: [...timed.wall], cpu: { ...medianRatio(timed.cpu), rounds: [...timed.cpu] } }
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
export async function phaseCalls(workload: ThroughputWorkload, calibration: CalibrationWorkload): Promise<PairedPhase[]> {
  const at = async (threads: number | undefined) => (threads !== undefined && workload.calibrationAt ? await workload.calibrationAt(threads) : calibration)
  const scoring = await at(workload.threads?.scoring)
  const decode = await at(workload.threads?.decode)
  const phases: PairedPhase[] = []
  const add = (name: string, call: (() => Promise<number>) | undefined, paired: CalibrationWorkload) => {
    if (call) phases.push({ name, call, calibration: paired })
  }
  add('scoring', workload.scoring, scoring)
  const ascending = <T>(byKey: Readonly<Record<number, T>> | undefined) => Object.entries(byKey ?? {}).sort(([a], [b]) => Number(a) - Number(b))
  for (const [length, call] of ascending(workload.prefillByLength)) add(`prefill@${length}`, call, decode)
  add('prefill', workload.prefill, decode)
  for (const [context, call] of ascending(workload.decodeByContext)) add(`decode@${context}`, call, decode)
  add('decodeCached', workload.decodeCached, decode)
  add('batchedDecode', workload.batchedDecode?.run, decode)
  add('decodeNoCache', workload.decodeNoCache, decode)
  return phases
}

/**
 * Times every phase again in rounds with its calibration, exactly as the first measurement did, and keeps
 * `phases`: the gate fails a phase only when this second, independent measurement says DIFFERENT too. All phases
 * run, not only those kept, because a phase's ratio depends on what runs between its pairs: timed alone, a
 * 2-thread scoring session under load measured ×0.2–×0.25 of its interleaved ratio (its pool's threads woke
 * from shorter sleeps), which would confirm a slowdown that was never there.
 */
export async function confirmPhases(
  workload: ThroughputWorkload,
  calibration: CalibrationWorkload,
  phases: readonly string[],
  settings: ThroughputOptions = {},
): Promise<NonNullable<ThroughputRecord['confirmation']>> {
  const options = { ...DEFAULT_THROUGHPUT_OPTIONS, ...settings }
  // No round dropped: the first measurement has warmed every phase.
  const timed = await timeRounds(await phaseCalls(workload, calibration), { ...roundOptions(options), warmupRounds: 0 })
  return Object.fromEntries([...timed].filter(([name]) => phases.includes(name)).map(([name, rounds]) => [name, pairedRounds(rounds)]))
}
