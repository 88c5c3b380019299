import { describe, expect, test } from 'vitest'
import { timeRounds } from './paired-timing.ts'

/** A virtual clock: each call advances it by the time the test says the call took. */
function virtualMachine() {
  let clock = 0
  return { now: () => clock, spend: (ms: number) => (clock += ms) }
}

describe('timeRounds', () => {
  test('each round pairs a block of phase calls with calibration calls lasting as long; the ratio is (tokens/s) ÷ (units/s)', async () => {
    const vm = virtualMachine()
    let phaseCalls = 0
    let calibrationCalls = 0
    const phase = async () => (vm.spend(2), phaseCalls++, 40)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(8), calibrationCalls++, 1000) }
    const timed = await timeRounds([{ name: 'scoring', call: phase, calibration }], {
      time: 160,
      rounds: 10,
      warmupRounds: 1,
      now: vm.now,
      cpuNow: vm.now,
    })
    const scoring = timed.get('scoring')!
    // Halves of ≥ 160 / (2 × 10) = 8 ms: 4 phase calls after one untimed call, and 1 calibration call (as long as the
    // half, so none untimed); one sizing call each, then 1 dropped and 10 kept rounds.
    expect([phaseCalls, calibrationCalls]).toEqual([1 + 11 * 5, 1 + 11])
    expect(scoring.latenciesMs).toEqual(Array(10).fill(2))
    // (40 tokens / 2 ms) ÷ (1000 FLOP / 8 ms) = 20 / 125 = 0.16 in every round; all of it on the CPU here.
    for (const round of [...scoring.wall, ...scoring.cpu]) expect(round).toBeCloseTo(Math.log(0.16), 12)
    expect(scoring.tokensPerCall).toBe(40)
  })

  test('rounds visit the phases in turn, so each phase is timed across the whole measurement', async () => {
    const vm = virtualMachine()
    const order: string[] = []
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(5), 1) }
    const call = (name: string) => async () => (vm.spend(5), order.push(name), 1)
    await timeRounds(
      [
        { name: 'a', call: call('a'), calibration },
        { name: 'b', call: call('b'), calibration },
      ],
      { time: 0, rounds: 6, warmupRounds: 0, now: vm.now },
    )
    // One sizing call each, then per round a call of a, then of b (calls as long as a half get no untimed call first).
    expect(order.join('')).toBe(`ab${'ab'.repeat(6)}`)
  })

  test('load that slows both halves of a pair cancels', async () => {
    const vm = virtualMachine()
    // Blocks of one call (time 0); the load doubles every other round.
    let phaseCalls = 0
    const load = () => (phaseCalls % 2 ? 1 : 2)
    const phase = async () => (phaseCalls++, vm.spend(1 * load()), 100)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(5 * load()), 1e6) }
    const timed = await timeRounds([{ name: 'decode@128', call: phase, calibration }], { time: 0, rounds: 6, warmupRounds: 0, now: vm.now })
    // (100 tokens / 1 ms) ÷ (1e6 FLOP / 5 ms) = 5e-4 in every round, at either load.
    expect(timed.get('decode@128')!.latenciesMs).toEqual([2, 1, 2, 1, 2, 1])
    for (const round of timed.get('decode@128')!.wall) expect(round).toBeCloseTo(Math.log(5e-4), 12)
  })

  test('a burst on a few calls of a block leaves the block median', async () => {
    const vm = virtualMachine()
    let phaseCalls = 0
    // Every third phase call is slowed 10×; blocks of ≥ 5 ms hold five 1 ms calls.
    const phase = async () => (vm.spend(phaseCalls++ % 3 === 2 ? 10 : 1), 100)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(5), 1e6) }
    const timed = await timeRounds([{ name: 'decode@128', call: phase, calibration }], { time: 60, rounds: 6, warmupRounds: 0, now: vm.now })
    for (const round of timed.get('decode@128')!.wall) expect(round).toBeCloseTo(Math.log(5e-4), 12)
  })

  test('a call that sleeps shows in the wall-time rounds, not the CPU-time ones', async () => {
    const vm = virtualMachine()
    let cpu = 0
    // The phase computes 4 ms and sleeps 4 ms more; the calibration computes 8 ms.
    const phase = async () => (vm.spend(8), (cpu += 4), 10)
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(8), (cpu += 8), 1000) }
    const timed = await timeRounds([{ name: 'decode@128', call: phase, calibration }], { time: 0, rounds: 6, warmupRounds: 1, now: vm.now, cpuNow: () => cpu })
    const rounds = timed.get('decode@128')!
    // Wall: (10 / 8) ÷ (1000 / 8) = 0.01; CPU: (10 / 4) ÷ (1000 / 8) = 0.02.
    for (const round of rounds.wall) expect(round).toBeCloseTo(Math.log(0.01), 12)
    for (const round of rounds.cpu) expect(round).toBeCloseTo(Math.log(0.02), 12)
  })

  test('fewer than 6 rounds asked for still gives 6, the fewest the gate compares', async () => {
    const vm = virtualMachine()
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => (vm.spend(5), 1) }
    const timed = await timeRounds([{ name: 'prefill@128', call: async () => (vm.spend(5), 1), calibration }], {
      time: 0,
      rounds: 2,
      warmupRounds: 0,
      now: vm.now,
    })
    expect(timed.get('prefill@128')!.wall).toHaveLength(6)
  })

  test('a calibration whose work changes between calls is an error that names it', async () => {
    let units = 0
    const calibration = { name: 'matmul', unit: 'FLOP', run: async () => ++units }
    await expect(timeRounds([{ name: 'scoring', call: async () => 1, calibration }], { time: 0, rounds: 6, warmupRounds: 0 })).rejects.toThrow(
      /calibration matmul workload processed 2 FLOP after 1/,
    )
  })
})
