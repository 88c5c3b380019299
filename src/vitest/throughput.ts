/** Throughput with tinybench 6 on the case's own workload: tokens/s and latency percentiles per call. */
import { timeCall } from '../core/timing.ts'
import type { CalibrationRecord, RateRecord, ThroughputRecord } from '../core/schema.ts'
import type { CalibrationWorkload, ThroughputWorkload } from '../core/executor.ts'

export interface ThroughputOptions {
  /** Minimum measuring time per workload (ms). */
  readonly time?: number
  /** Minimum measured calls per workload. */
  readonly iterations?: number
  readonly warmupIterations?: number
}

const workloadNames = ['scoring', 'prefill', 'decodeCached', 'decodeNoCache'] as const

export async function measureThroughput(workload: ThroughputWorkload, options: ThroughputOptions = {}): Promise<ThroughputRecord> {
  const record: { -readonly [K in keyof ThroughputRecord]: ThroughputRecord[K] } = {}
  for (const name of workloadNames) {
    const call = workload[name]
    if (call) record[name] = await measureRate(name, call, options)
  }
  return record
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
  }
}

/** Times the calibration with the same tinybench settings as the workloads it calibrates. */
export async function measureCalibration(calibration: CalibrationWorkload, options: ThroughputOptions = {}): Promise<CalibrationRecord> {
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
