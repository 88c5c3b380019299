/** The one tinybench 6 timing loop (benchmarks and the harness's throughput phase): latency of an async call after warm-up. */
import { Bench } from 'tinybench'

export interface TimingOptions {
  /** Minimum measured calls (default 5). */
  readonly iterations?: number
  /** Minimum measuring time, ms (default 0: `iterations` decides). */
  readonly time?: number
  readonly warmupIterations?: number
}

export interface Timing {
  /** Median latency, ms: robust to the other processes of a shared machine. */
  readonly medianMs: number
  readonly meanMs: number
  readonly minMs: number
  readonly p99Ms: number
  /** tinybench's relative margin of error of the mean, %. */
  readonly rme: number
  readonly samples: number
}

export async function timeCall(name: string, call: () => Promise<unknown>, options: TimingOptions = {}): Promise<Timing> {
  const bench = new Bench({
    iterations: options.iterations ?? 5,
    time: options.time ?? 0,
    warmupIterations: options.warmupIterations ?? 1,
    warmupTime: 0,
    throws: true,
  })
  bench.add(name, call)
  await bench.run()
  const result = bench.tasks[0]?.result
  if (!result || result.state !== 'completed') throw new Error(`tinybench did not complete ${name} (state ${result?.state ?? 'missing'})`)
  const latency = result.latency
  return { medianMs: latency.p50, meanMs: latency.mean, minMs: latency.min, p99Ms: latency.p99, rme: latency.rme, samples: latency.samplesCount }
}
