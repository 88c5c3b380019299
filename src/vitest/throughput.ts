/** Throughput with tinybench 6 on the case's own workload: tokens/s and latency percentiles per call. */
import { Bench } from 'tinybench'
import type { RateRecord, ThroughputRecord } from '../report/schema.ts'
import type { ThroughputWorkload } from './executor.ts'

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
  let tokensPerCall: number | undefined
  const bench = new Bench({
    time: options.time ?? 0,
    iterations: options.iterations ?? 5,
    warmupIterations: options.warmupIterations ?? 1,
    warmupTime: 0,
    throws: true,
  })
  bench.add(name, async () => {
    const tokens = await call()
    if (!(Number.isInteger(tokens) && tokens > 0)) {
      throw new Error(`lmscale: the ${name} workload must resolve to a positive whole number of tokens, got ${tokens}`)
    }
    if (tokensPerCall !== undefined && tokens !== tokensPerCall) {
      throw new Error(`lmscale: the ${name} workload processed ${tokens} tokens after ${tokensPerCall}; every call must do the same work`)
    }
    tokensPerCall = tokens
  })
  await bench.run()
  const result = bench.tasks[0]?.result
  if (!result || result.state !== 'completed' || tokensPerCall === undefined) {
    throw new Error(`lmscale: tinybench did not complete the ${name} workload (state ${result?.state ?? 'missing'})`)
  }
  const latency = result.latency
  return {
    tokensPerSecond: (tokensPerCall * 1000) / latency.mean,
    tokensPerCall,
    meanMs: latency.mean,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    rme: latency.rme,
    samples: latency.samplesCount,
  }
}
