import { describe, expect, test } from 'vitest'
import { timePairs } from './paired-timing.ts'

/** A virtual clock: each call advances it by the time the test says the call took. */
function virtualMachine() {
  let clock = 0
  return { now: () => clock, spend: (ms: number) => (clock += ms) }
}

describe('timePairs', () => {
  test('blocks of about equal duration; the ratio is (tokens/s) ÷ (units/s) of each pair', async () => {
    const vm = virtualMachine()
    let phaseCalls = 0
    let calibrationCalls = 0
    const phase = async () => (vm.spend(2), phaseCalls++, 40)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(8), calibrationCalls++, 1000) }
    const timed = await timePairs('scoring', phase, calibration, { time: 0, pairs: 10, now: vm.now, cpuNow: vm.now })
    // Warm-up 2 ms vs 8 ms: blocks of 4 phase calls and 1 calibration call; 10 pairs after one warm-up each.
    expect([phaseCalls, calibrationCalls]).toEqual([1 + 40, 1 + 10])
    expect(timed.latenciesMs).toEqual(Array(10).fill(2))
    // (40 tokens / 2 ms) ÷ (1000 FLOP / 8 ms) = 20 / 125 = 0.16, the same in every pair.
    expect(timed.ratio).toBeCloseTo(0.16, 12)
    expect(timed.margin).toBeCloseTo(0, 12)
    // All of it on the CPU here, so the CPU-time ratio is the same.
    expect(timed.cpu.ratio).toBeCloseTo(0.16, 12)
    expect(timed.tokensPerCall).toBe(40)
  })

  test('load that slows both halves of a pair cancels; a burst on one half of a few pairs leaves the median', async () => {
    const vm = virtualMachine()
    let pair = 0
    // Pairs 0–9: a load factor that doubles every other pair; pairs 3 and 7 also slow the phase alone 5×.
    const load = () => (pair % 2 ? 2 : 1)
    const phase = async () => (vm.spend(10 * load() * (pair === 3 || pair === 7 ? 5 : 1)), 100)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(10 * load()), pair++, 1e6) }
    const timed = await timePairs('decode@128', phase, calibration, { time: 0, pairs: 10, now: vm.now })
    // The warm-up is pair 0's load; then 10 pairs at loads 2,1,2,1,…: every unburst pair gives (100/10) ÷ (1e6/10) = 1e-4.
    expect(timed.ratio).toBeCloseTo(1e-4, 15)
    // The interval keeps the 2nd to 9th of 10 ranked pairs; the two burst pairs (×1/5) are the two lowest.
    const sorted = [Math.log(1e-4 / 5), Math.log(1e-4 / 5), ...Array(8).fill(Math.log(1e-4))]
    expect(timed.margin).toBeCloseTo(Math.log(1e-4) - sorted[1]!, 12)
  })

  test('a call that sleeps shows in the wall-time ratio, not the CPU-time one', async () => {
    const vm = virtualMachine()
    let cpu = 0
    // The phase computes 4 ms and sleeps 4 ms more; the calibration computes 8 ms.
    const phase = async () => (vm.spend(8), (cpu += 4), 10)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(8), (cpu += 8), 1000) }
    const timed = await timePairs('decode@128', phase, calibration, { time: 0, pairs: 10, now: vm.now, cpuNow: () => cpu })
    // Wall: (10 / 8) ÷ (1000 / 8) = 0.01; CPU: (10 / 4) ÷ (1000 / 8) = 0.02.
    expect(timed.ratio).toBeCloseTo(0.01, 12)
    expect(timed.cpu.ratio).toBeCloseTo(0.02, 12)
  })

  test('runs at least the given time', async () => {
    const vm = virtualMachine()
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(5), 1) }
    const timed = await timePairs('prefill@128', async () => (vm.spend(5), 1), calibration, { time: 300, pairs: 10, now: vm.now })
    // 10 ms per pair after a 10 ms warm-up: 30 pairs reach 300 ms.
    expect(timed.latenciesMs.length).toBe(30)
  })

  test('a calibration whose work changes between calls is an error that names it', async () => {
    let units = 0
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => ++units }
    await expect(timePairs('scoring', async () => 1, calibration, { time: 0, pairs: 6 })).rejects.toThrow(
      /calibration matmul workload processed 2 FLOP after 1/,
    )
  })
})
