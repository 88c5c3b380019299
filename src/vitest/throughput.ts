/**
 * Throughput with tinybench 6, once per loaded model: every phase the workload offers (scoring, prefill by
 * prompt length, batch-1 decode by context, batched decode), each timed for a fixed time so it gets enough
 * samples for an interval, each with the process's resident set after it and, where the workload states its
 * cost, as a share of the hardware bound timed in the same process.
 */
import { timeCall } from '../core/timing.ts'
import { studentTCritical } from '../scaling/student-t.ts'
import type { CalibrationRecord, RateRecord, ThroughputRecord } from '../core/schema.ts'
import type { CalibrationWorkload, ThroughputWorkload } from '../core/executor.ts'

export interface ThroughputOptions {
  /** Minimum measuring time per phase (ms); default 300. */
  readonly time?: number
  /** Minimum measured calls per phase; default 10, the fewest the gate compares. */
  readonly iterations?: number
  readonly warmupIterations?: number
}

/** What every phase gets unless the study says otherwise: enough calls for tinybench's interval, bounded in time. */
export const DEFAULT_THROUGHPUT_OPTIONS = { time: 300, iterations: 10, warmupIterations: 1 } as const

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface MeasuredThroughput {
  readonly throughput: ThroughputRecord
  /** The MatMul bound (and the gate's calibration), timed right after the phases. */
  readonly calibration: CalibrationRecord
}

export async function measureThroughput(
  workload: ThroughputWorkload,
  calibrationWorkload: CalibrationWorkload,
  settings: ThroughputOptions = {},
  extra: { readonly loadMs?: number; readonly measuredIn?: string } = {},
): Promise<MeasuredThroughput> {
  const options = { ...DEFAULT_THROUGHPUT_OPTIONS, ...settings }
  const record: Mutable<ThroughputRecord> = {}
  if (workload.scoring) record.scoring = await measureRate('scoring', workload.scoring, options)
  const prefill = await measureCurve('prefill', workload.prefillByLength, options)
  if (prefill.length) record.prefillByLength = prefill.map(({ key, rate }) => ({ length: key, ...rate }))
  if (workload.prefill) record.prefill = await measureRate('prefill', workload.prefill, options)
  else if (prefill[0]) record.prefill = prefill[0].rate
  const decode = await measureCurve('decode', workload.decodeByContext, options)
  if (decode.length) record.decodeByContext = decode.map(({ key, rate }) => ({ context: key, ...rate }))
  if (workload.decodeCached) record.decodeCached = await measureRate('decodeCached', workload.decodeCached, options)
  else if (decode[0]) record.decodeCached = decode[0].rate
  if (workload.batchedDecode) {
    const { batch, context, run } = workload.batchedDecode
    record.batchedDecode = { batch, context, ...(await measureRate('batchedDecode', run, options)) }
  }
  if (workload.decodeNoCache) record.decodeNoCache = await measureRate('decodeNoCache', workload.decodeNoCache, options)
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

async function measureCurve(name: string, calls: Readonly<Record<number, () => Promise<number>>> | undefined, options: ThroughputOptions) {
  const keys = Object.keys(calls ?? {})
    .map(Number)
    .sort((a, b) => a - b)
  const curve: { key: number; rate: RateRecord }[] = []
  for (const key of keys) curve.push({ key, rate: await measureRate(`${name} at ${key}`, calls![key]!, options) })
  return curve
}

async function measureRate(name: string, call: () => Promise<number>, options: ThroughputOptions): Promise<RateRecord> {
  const timed = await timeCalls(name, 'tokens', call, options)
  return {
    tokensPerSecond: timed.perSecond,
    tokensPerCall: timed.perCall,
    meanMs: timed.timing.meanMs,
    p50Ms: timed.timing.medianMs,
    p99Ms: timed.timing.p99Ms,
    rme: timed.timing.rme,
    samples: timed.timing.samples,
    rssBytes: process.memoryUsage.rss(),
  }
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

/** Each phase's call under the name namedRates gives its rate (core/throughput-phases.ts). */
export function phaseCalls(workload: ThroughputWorkload): Map<string, () => Promise<number>> {
  const calls = new Map<string, () => Promise<number>>()
  if (workload.scoring) calls.set('scoring', workload.scoring)
  for (const [length, call] of Object.entries(workload.prefillByLength ?? {})) calls.set(`prefill@${length}`, call)
  if (workload.prefill) calls.set('prefill', workload.prefill)
  for (const [context, call] of Object.entries(workload.decodeByContext ?? {})) calls.set(`decode@${context}`, call)
  if (workload.decodeCached) calls.set('decodeCached', workload.decodeCached)
  if (workload.batchedDecode) calls.set('batchedDecode', workload.batchedDecode.run)
  if (workload.decodeNoCache) calls.set('decodeNoCache', workload.decodeNoCache)
  return calls
}

/** Rounds of the confirming re-measurement, each the phase then the calibration with the first measurement's settings. */
export const CONFIRMATION_ROUNDS = 4

/**
 * Times `phases` again, each in rounds of the phase then the calibration (the first measurement's order and
 * settings, so both measure the same thing), and reduces every round to log(tokens/s ÷ calibration units/s):
 * load that comes and goes slows both halves of a round alike, and the spread over rounds (a t-interval)
 * says how far the re-measurement can be trusted.
 */
export async function confirmPhases(
  workload: ThroughputWorkload,
  calibration: CalibrationWorkload,
  phases: readonly string[],
  settings: ThroughputOptions = {},
): Promise<NonNullable<ThroughputRecord['confirmation']>> {
  const calls = phaseCalls(workload)
  const options = { ...DEFAULT_THROUGHPUT_OPTIONS, ...settings }
  const confirmation: Mutable<NonNullable<ThroughputRecord['confirmation']>> = {}
  for (const phase of phases) {
    const call = calls.get(phase)
    if (!call) continue
    const logs: number[] = []
    for (let round = 0; round < CONFIRMATION_ROUNDS; round++) {
      const rate = await timeCalls(phase, 'tokens', call, options)
      const bound = await timeCalls(`calibration ${calibration.name}`, calibration.unit, calibration.run, options)
      logs.push(Math.log(rate.perSecond / bound.perSecond))
    }
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length
    const sd = Math.sqrt(logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (logs.length - 1))
    const margin = (studentTCritical(0.95, logs.length - 1) * sd) / Math.sqrt(logs.length)
    confirmation[phase] = { rounds: logs.length, ratePerCalibration: Math.exp(mean), margin }
  }
  return confirmation
}
