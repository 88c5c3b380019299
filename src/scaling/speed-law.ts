// The speed side of a scaling study: per throughput phase, tokens/s and the process's resident memory against
// parameters, each a power law fitted by OLS in log-log (y = c·N^b) with a t interval on the exponent, so the
// quality law's exponent has a speed counterpart beside it (e.g. tokens/s ∝ N^−0.9: a 2× model runs 1.87× slower).
import type { Estimate } from './analysis-types.ts'
import { fitLinear } from './linear-fit.ts'

export interface SpeedPoint {
  readonly modelId: string
  readonly params: number
  /** Per phase (e.g. `scoring`, `prefill@512`, `decode@128`): tokens/s and the resident set after it (bytes, when recorded). */
  readonly phases: Readonly<Record<string, { readonly tokensPerSecond: number; readonly rssBytes?: number | undefined }>>
}

export interface SpeedLaw {
  readonly phase: string
  readonly quantity: 'tokens/s' | 'resident memory (bytes)'
  readonly models: number
  /** b of y = c·N^b: d ln y / d ln N. */
  readonly exponent: Estimate
  readonly prefactor: number
  readonly rSquared: number
  readonly dof: number
  /** 2^b: how y changes when the parameters double. */
  readonly perDoubling: number
}

function law(phase: string, quantity: SpeedLaw['quantity'], sizes: readonly number[], values: readonly number[], level: number): SpeedLaw {
  const line = fitLinear(sizes.map(Math.log), values.map(Math.log), { level })
  return {
    phase,
    quantity,
    models: sizes.length,
    exponent: {
      estimate: line.slope,
      se: line.slopeSE,
      interval: line.slopeInterval,
      intervalMethod: `${Math.round(level * 100)}% t-interval, ${line.dof} dof`,
    },
    prefactor: Math.exp(line.intercept),
    rSquared: line.rSquared,
    dof: line.dof,
    perDoubling: 2 ** line.slope,
  }
}

/** Every phase that at least three models of distinct sizes recorded, in the order phases first appear. */
export function fitSpeedLaws(points: readonly SpeedPoint[], level = 0.95): SpeedLaw[] {
  const phases = [...new Set(points.flatMap(p => Object.keys(p.phases)))]
  return phases.flatMap(phase => {
    const having = points.filter(p => p.phases[phase] && p.phases[phase].tokensPerSecond > 0)
    if (new Set(having.map(p => p.params)).size < 3) return []
    const laws = [
      law(
        phase,
        'tokens/s',
        having.map(p => p.params),
        having.map(p => p.phases[phase]!.tokensPerSecond),
        level,
      ),
    ]
    const withMemory = having.filter(p => (p.phases[phase]!.rssBytes ?? 0) > 0)
    if (new Set(withMemory.map(p => p.params)).size >= 3) {
      laws.push(
        law(
          phase,
          'resident memory (bytes)',
          withMemory.map(p => p.params),
          withMemory.map(p => p.phases[phase]!.rssBytes!),
          level,
        ),
      )
    }
    return laws
  })
}
