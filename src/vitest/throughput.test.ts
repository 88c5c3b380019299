import { describe, expect, test } from 'vitest'
import { measureThroughput } from './throughput.ts'
import type { CalibrationWorkload } from '../core/executor.ts'
import { namedRates } from '../core/throughput-phases.ts'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const quick = { iterations: 6, time: 0 }
const matmul: CalibrationWorkload = { name: 'fixed work', unit: 'FLOP', run: async () => (await sleep(2), 1000) }

describe('measureThroughput', () => {
  test('tokens/s is tokens per call over the mean call latency', async () => {
    // Each call scores 40 tokens. No bound on the time itself: how fast a loaded machine runs is for benchmarks.
    const { throughput, calibration } = await measureThroughput({ scoring: async () => (await sleep(20), 40) }, matmul, quick)
    const scoring = throughput.scoring!
    expect(scoring.tokensPerCall).toBe(40)
    expect(scoring.samples).toBe(6)
    expect(scoring.paired).toMatchObject({ calibration: 'fixed work' })
    expect(scoring.tokensPerSecond).toBeCloseTo((40 * 1000) / scoring.meanMs, 9)
    expect(scoring.p99Ms).toBeGreaterThanOrEqual(scoring.p50Ms)
    expect(scoring.rssBytes).toBeGreaterThan(0)
    expect(throughput.prefill).toBeUndefined()
    expect(calibration).toMatchObject({ name: 'fixed work', unit: 'FLOP', unitsPerCall: 1000 })
  })

  test('curves are timed per length; the shortest stands as the headline; each rate is a share of its bound', async () => {
    const workload = {
      prefillByLength: { 64: async () => 64, 16: async () => 16 },
      decodeByContext: { 32: async () => 8 },
      batchedDecode: { batch: 4, context: 32, run: async () => 32 },
      threads: { scoring: 2, decode: 1 },
      cost: { flopsPerToken: 10, bytesPerDecodedToken: 100 },
      bandwidth: () => ({ name: 'stream', unit: 'byte', run: async () => 4096 }),
    }
    const { throughput, calibration } = await measureThroughput(workload, matmul, quick, { loadMs: 12, measuredIn: 'm › t' })
    expect(throughput.prefillByLength!.map(r => r.length)).toEqual([16, 64])
    expect(throughput.prefillByLength![0]).toEqual({ length: 16, ...throughput.prefill })
    expect(throughput.decodeByContext![0]).toEqual({ context: 32, ...throughput.decodeCached })
    const first = throughput.prefillByLength![0]!
    // FLOP/s of the phase over the MatMul's FLOP/s.
    expect(first.fractionOfBound).toBeCloseTo((first.tokensPerSecond * 10) / calibration.unitsPerSecond, 12)
    const decode = throughput.decodeCached!
    expect(decode.fractionOfBound).toBeCloseTo((decode.tokensPerSecond * 100) / throughput.bandwidth!.unitsPerSecond, 12)
    expect(throughput.batchedDecode).toMatchObject({ batch: 4, context: 32, tokensPerCall: 32 })
    expect(throughput).toMatchObject({ loadMs: 12, measuredIn: 'm › t', threads: { scoring: 2, decode: 1 } })
    expect(namedRates(throughput).map(r => r.phase)).toEqual(['prefill@16', 'prefill@64', 'decode@32', 'batchedDecode'])
  })

  test('a workload whose token count changes between calls is an error', async () => {
    let calls = 0
    await expect(measureThroughput({ decodeCached: async () => ++calls }, matmul, quick)).rejects.toThrow(/every call must do the same work/)
  })

  test('a workload that processes no tokens is an error', async () => {
    await expect(measureThroughput({ prefill: async () => 0 }, matmul, quick)).rejects.toThrow(/positive whole number of tokens, got 0/)
  })
})
