import { describe, expect, test } from 'vitest'
import { measureThroughput } from './throughput.ts'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('measureThroughput', () => {
  test('tokens/s is tokens per call over the mean call latency', async () => {
    // Each call scores 40 tokens. No bound on the time itself: how fast a loaded machine runs is for benchmarks.
    const record = await measureThroughput({ scoring: async () => (await sleep(20), 40) }, { iterations: 4 })
    const scoring = record.scoring!
    expect(scoring.tokensPerCall).toBe(40)
    expect(scoring.samples).toBeGreaterThanOrEqual(4)
    expect(scoring.tokensPerSecond).toBeCloseTo((40 * 1000) / scoring.meanMs, 9)
    expect(scoring.p99Ms).toBeGreaterThanOrEqual(scoring.p50Ms)
    expect(record.prefill).toBeUndefined()
  })

  test('a workload whose token count changes between calls is an error', async () => {
    let calls = 0
    await expect(measureThroughput({ decodeCached: async () => ++calls })).rejects.toThrow(/every call must do the same work/)
  })

  test('a workload that processes no tokens is an error', async () => {
    await expect(measureThroughput({ prefill: async () => 0 })).rejects.toThrow(/positive whole number of tokens, got 0/)
  })
})
