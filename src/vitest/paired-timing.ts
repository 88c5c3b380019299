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
  /** The clock (ms); tests drive a virtual one. */
  readonly now?: () => number
}

export interface PairedTiming {
  /** Tokens per phase call. */
  readonly tokensPerCall: number
  /** Mean latency of one phase call in each pair's block (ms), one per pair. */
  readonly latenciesMs: readonly number[]
  /** Median of (tokens/s ÷ calibration units/s) over pairs, and its 95% interval as a half-width in log space. */
  readonly ratio: number
  readonly margin: number
}

/** One timed call that must do the same positive whole amount of work every time. */
type Timed = (call: () => Promise<number>) => Promise<{ readonly ms: number; readonly units: number }>

export async function timePairs(name: string, call: () => Promise<number>, calibration: CalibrationWorkload, options: PairOptions): Promise<PairedTiming> {
  const now = options.now ?? (() => performance.now())
  const phase = sameWork(name, 'tokens', now)
  const bound = sameWork(`calibration ${calibration.name}`, calibration.unit, now)
  // Warm-up, which also sizes the blocks so both halves of a pair last about as long.
  const warm = await phase(call)
  const warmBound = await bound(calibration.run)
  const phaseCalls = Math.max(1, Math.round(warmBound.ms / warm.ms))
  const boundCalls = Math.max(1, Math.round(warm.ms / warmBound.ms))
  const latenciesMs: number[] = []
  const logRatios: number[] = []
  const pairs = Math.max(options.pairs, MIN_MEDIAN_VALUES)
  const started = now()
  while (logRatios.length < pairs || now() - started < options.time) {
    const phaseMs = await block(phase, call, phaseCalls)
    const boundMs = await block(bound, calibration.run, boundCalls)
    latenciesMs.push(phaseMs)
    logRatios.push(Math.log(warm.units / phaseMs) - Math.log(warmBound.units / boundMs))
  }
  const { median, low, high } = medianInterval(logRatios)
  return { tokensPerCall: warm.units, latenciesMs, ratio: Math.exp(median), margin: Math.max(median - low, high - median) }
}

/** Mean ms per call over `count` calls in a row. */
async function block(timed: Timed, call: () => Promise<number>, count: number): Promise<number> {
  let ms = 0
  for (let i = 0; i < count; i++) ms += (await timed(call)).ms
  return ms / count
}

function sameWork(name: string, unit: string, now: () => number): Timed {
  let expected: number | undefined
  return async call => {
    const started = now()
    const units = await call()
    const ms = now() - started
    if (!(Number.isInteger(units) && units > 0)) {
      throw new Error(`lmscale: the ${name} workload must resolve to a positive whole number of ${unit}, got ${units}`)
    }
    if (expected !== undefined && units !== expected) {
      throw new Error(`lmscale: the ${name} workload processed ${units} ${unit} after ${expected}; every call must do the same work`)
    }
    expected = units
    return { ms, units }
  }
}
