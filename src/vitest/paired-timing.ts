/**
 * A phase timed in pairs with a calibration: a block of phase calls, then a block of calibration calls lasting
 * about as long, again and again. Each pair gives log(phase tokens/s ÷ calibration units/s): load that comes and
 * goes over a few milliseconds slows both halves of a pair alike and cancels in the ratio, and the median over
 * pairs with its order-statistic interval (statistics/median-interval.ts) shrugs off the pairs a burst hit
 * unevenly. The gate compares these medians, never rates timed seconds apart.
 */
import { medianInterval, MIN_MEDIAN_VALUES } from '../statistics/median-interval.ts'
import type { CalibrationWorkload } from '../core/executor.ts'

export interface PairOptions {
  /** Minimum time for all pairs, both halves (ms). */
  readonly time: number
  /** Minimum pairs (at least 6, the fewest with a 95% interval for their median). */
  readonly pairs: number
  /** The wall clock and the process's CPU clock (ms); tests drive virtual ones. */
  readonly now?: () => number
  readonly cpuNow?: () => number
}

export interface PairedTiming {
  /** Tokens per phase call. */
  readonly tokensPerCall: number
  /** Mean latency of one phase call in each pair's block (ms), one per pair. */
  readonly latenciesMs: readonly number[]
  /** Median of (tokens/s ÷ calibration units/s) over pairs, and its 95% interval as a half-width in log space. */
  readonly ratio: number
  readonly margin: number
  /**
   * The same from the process's CPU time instead of wall time: waiting for a core under load adds no CPU time, so
   * this tracks the work a call does; a call that sleeps or waits shows only in the wall-time ratio.
   */
  readonly cpu: { readonly ratio: number; readonly margin: number }
}

/** One timed call that must do the same positive whole amount of work every time. */
type Timed = (call: () => Promise<number>) => Promise<{ readonly ms: number; readonly cpuMs: number; readonly units: number }>

export async function timePairs(name: string, call: () => Promise<number>, calibration: CalibrationWorkload, options: PairOptions): Promise<PairedTiming> {
  const now = options.now ?? (() => performance.now())
  const cpuNow = options.cpuNow ?? processCpuMs
  const phase = sameWork(name, 'tokens', now, cpuNow)
  const bound = sameWork(`calibration ${calibration.name}`, calibration.unit, now, cpuNow)
  // Warm-up, which also sizes the blocks so both halves of a pair last about as long.
  const warm = await phase(call)
  const warmBound = await bound(calibration.run)
  const phaseCalls = Math.max(1, Math.round(warmBound.ms / warm.ms))
  const boundCalls = Math.max(1, Math.round(warm.ms / warmBound.ms))
  const latenciesMs: number[] = []
  const logRatios: number[] = []
  const cpuLogRatios: number[] = []
  const pairs = Math.max(options.pairs, MIN_MEDIAN_VALUES)
  const started = now()
  while (logRatios.length < pairs || now() - started < options.time) {
    const phaseTime = await block(phase, call, phaseCalls)
    const boundTime = await block(bound, calibration.run, boundCalls)
    latenciesMs.push(phaseTime.ms)
    logRatios.push(Math.log(warm.units / phaseTime.ms) - Math.log(warmBound.units / boundTime.ms))
    cpuLogRatios.push(Math.log(warm.units / phaseTime.cpuMs) - Math.log(warmBound.units / boundTime.cpuMs))
  }
  return { tokensPerCall: warm.units, latenciesMs, ...centre(logRatios), cpu: centre(cpuLogRatios) }
}

/** The median ratio and its interval's larger half-width, in log space. */
function centre(logRatios: readonly number[]): { ratio: number; margin: number } {
  const { median, low, high } = medianInterval(logRatios)
  return { ratio: Math.exp(median), margin: Math.max(median - low, high - median) }
}

/** User and system CPU time of every thread of the process, ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** Mean wall and CPU ms per call over `count` calls in a row. */
async function block(timed: Timed, call: () => Promise<number>, count: number): Promise<{ ms: number; cpuMs: number }> {
  let ms = 0
  let cpuMs = 0
  for (let i = 0; i < count; i++) {
    const one = await timed(call)
    ms += one.ms
    cpuMs += one.cpuMs
  }
  return { ms: ms / count, cpuMs: cpuMs / count }
}

function sameWork(name: string, unit: string, now: () => number, cpuNow: () => number): Timed {
  let expected: number | undefined
  return async call => {
    const started = now()
    const cpuStarted = cpuNow()
    const units = await call()
    const ms = now() - started
    // At least a microsecond: the clock's resolution, so a ratio never divides by zero.
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
