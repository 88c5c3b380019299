/**
 * Phases timed in rounds, each phase paired with a calibration: a round times every phase once, a block of the
 * phase's calls then a block of its calibration's calls lasting about as long, one phase after another. Each
 * pair gives log(phase tokens/s ÷ calibration units/s): load that comes and goes over milliseconds slows both
 * halves of a pair alike and cancels in the ratio, and because a phase's pairs are spread over the whole
 * measurement, the rounds' scatter shows the drift that comes and goes over seconds too, which pairs timed back
 * to back would hide. The gate compares the rounds of two runs as samples (statistics/shift-interval.ts). A
 * first round is timed and dropped: a process's first calls run slower (compilation, allocator warm-up).
 */
import { medianInterval, MIN_MEDIAN_VALUES } from '../statistics/median-interval.ts'
import type { CalibrationWorkload } from '../core/executor.ts'

export interface RoundOptions {
  /** Minimum time each phase is timed for, over its rounds, both halves of each pair (ms). */
  readonly time: number
  /** Rounds kept (at least 6, the fewest the gate compares). */
  readonly rounds: number
  /** Rounds timed first and dropped. */
  readonly warmupRounds: number
  /** The wall clock and the process's CPU clock (ms); tests drive virtual ones. */
  readonly now?: () => number
  readonly cpuNow?: () => number
}

export interface PairedPhase {
  readonly name: string
  readonly call: () => Promise<number>
  readonly calibration: CalibrationWorkload
}

export interface PhaseRounds {
  /** Tokens per phase call. */
  readonly tokensPerCall: number
  /** Mean latency of one phase call in each round's block (ms). */
  readonly latenciesMs: readonly number[]
  /** log(tokens/s ÷ calibration units/s) of each round, by wall time. */
  readonly wall: readonly number[]
  /**
   * The same by the process's CPU time: waiting for a core under load adds no CPU time, so this tracks the work a
   * call does; a call that sleeps or waits shows only in the wall-time rounds.
   */
  readonly cpu: readonly number[]
  /** Resident set size of the process right after the phase's first call, the phases run in their order (bytes). */
  readonly rssBytes: number
}

/** One timed call that must do the same positive whole amount of work every time. */
type Timed = (call: () => Promise<number>) => Promise<{ readonly ms: number; readonly cpuMs: number; readonly units: number }>

export async function timeRounds(phases: readonly PairedPhase[], options: RoundOptions): Promise<Map<string, PhaseRounds>> {
  const now = options.now ?? (() => performance.now())
  const cpuNow = options.cpuNow ?? processCpuMs
  const rounds = Math.max(options.rounds, MIN_MEDIAN_VALUES)
  // Each half of a pair lasts at least this long, so a phase's pairs together last at least `time`.
  const halfMs = options.time / (2 * rounds)
  const timers = phases.map(phase => ({
    ...phase,
    timed: sameWork(phase.name, 'tokens', now, cpuNow),
    bound: sameWork(`calibration ${phase.calibration.name}`, phase.calibration.unit, now, cpuNow),
  }))
  // One call of each sizes the first blocks; every round re-sizes them from its own means.
  const sizes = new Map<string, { phaseMs: number; boundMs: number; tokens: number; units: number; rssBytes: number }>()
  for (const phase of timers) {
    const one = await phase.timed(phase.call)
    const rssBytes = process.memoryUsage.rss()
    const bound = await phase.bound(phase.calibration.run)
    sizes.set(phase.name, { phaseMs: one.ms, boundMs: bound.ms, tokens: one.units, units: bound.units, rssBytes })
  }
  const kept = new Map(timers.map(phase => [phase.name, { latenciesMs: [] as number[], wall: [] as number[], cpu: [] as number[] }]))
  for (let round = 0; round < options.warmupRounds + rounds; round++) {
    for (const phase of timers) {
      const size = sizes.get(phase.name)!
      const phaseCalls = Math.max(1, Math.ceil(halfMs / size.phaseMs))
      const boundCalls = Math.max(1, Math.round(Math.max(halfMs, phaseCalls * size.phaseMs) / size.boundMs))
      // A call as long as the half pays its wake-up within noise: an untimed call first would double its cost.
      const timed = await block(phase.timed, phase.call, phaseCalls, size.phaseMs < halfMs)
      const bound = await block(phase.bound, phase.calibration.run, boundCalls, size.boundMs < halfMs)
      sizes.set(phase.name, { ...size, phaseMs: timed.ms, boundMs: bound.ms })
      if (round < options.warmupRounds) continue
      const rows = kept.get(phase.name)!
      rows.latenciesMs.push(timed.ms)
      rows.wall.push(Math.log(size.tokens / timed.ms) - Math.log(size.units / bound.ms))
      rows.cpu.push(Math.log(size.tokens / timed.cpuMs) - Math.log(size.units / bound.cpuMs))
    }
  }
  return new Map([...kept].map(([name, rows]) => [name, { tokensPerCall: sizes.get(name)!.tokens, rssBytes: sizes.get(name)!.rssBytes, ...rows }]))
}

/** The rounds' median ratio and its 95% interval's larger half-width in log space, as the report shows one run. */
export function medianRatio(logRatios: readonly number[]): { ratio: number; margin: number } {
  const { median, low, high } = medianInterval(logRatios)
  return { ratio: Math.exp(median), margin: Math.max(median - low, high - median) }
}

/** User and system CPU time of every thread of the process, ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * A block of `count` timed calls, after one untimed call when `lead` (the first call after another phase's block
 * pays for its caches and threads waking): the median wall ms of a call, and the mean CPU ms (the process's CPU
 * clock counts every thread, so it is read over the block).
 */
async function block(timed: Timed, call: () => Promise<number>, count: number, lead: boolean): Promise<{ ms: number; cpuMs: number }> {
  if (lead) await timed(call)
  const ms: number[] = []
  let cpuMs = 0
  for (let i = 0; i < count; i++) {
    const one = await timed(call)
    ms.push(one.ms)
    cpuMs += one.cpuMs
  }
  ms.sort((a, b) => a - b)
  const middle = ms.length >> 1
  return { ms: ms.length % 2 ? ms[middle]! : (ms[middle - 1]! + ms[middle]!) / 2, cpuMs: cpuMs / count }
}

function sameWork(name: string, unit: string, now: () => number, cpuNow: () => number): Timed {
  let expected: number | undefined
  return async call => {
    const started = now()
    const cpuStarted = cpuNow()
    const units = await call()
    // At least a microsecond, the clocks' resolution, so a ratio never divides by zero.
    const ms = Math.max(now() - started, 1e-3)
    const cpuMs = Math.max(cpuNow() - cpuStarted, 1e-3)
    if (!(Number.isInteger(units) && units > 0)) {
      throw new Error(`lmscale: the ${name} workload must resolve to a positive whole number of ${unit}, got ${units}`)
    }
    if (expected !== undefined && units !== expected) {
      throw new Error(`lmscale: the ${name} workload processed ${units} ${unit} after ${expected}; every call must do the same work`)
    }
    expected = units
    return { ms, cpuMs, units }
  }
}
