// Residual and parametric bootstrap of the saturating law. With 4–6 models a pairs bootstrap (resampling
// models) is degenerate, so replicates keep the sizes fixed and perturb the log losses around the fit:
// either with the fit's own residuals (centred, inflated by √(n/(n−3)) for the fitted parameters) or with
// Gaussian noise of a known or estimated standard deviation. Each replicate is refitted by variable projection
// at a coarser precision than the estimate's.
import { quantile } from 'simple-statistics'
import { seededRandom } from '../core/random.ts'
import { saturatingLoss, type SaturatingParameters } from './saturating-law.ts'
import { fitSaturatingProjection, REPLICATE_PRECISION } from './variable-projection.ts'

export type BootstrapMethod = 'parametric' | 'residual'

export interface BootstrapOptions {
  method: BootstrapMethod
  samples: number
  seed: number
  /** SD of log-loss noise for the parametric bootstrap; estimated from the residuals when absent. */
  logLossNoiseSd?: number
}

export interface SaturatingBootstrap {
  method: BootstrapMethod
  samples: number
  seed: number
  /** The noise SD used (parametric) or the RMS of the inflated residuals (residual). */
  logLossNoiseSd: number
  noiseSource: 'given' | 'residuals'
  /** Replicates whose fit did not converge (α at the grid's edge or an inner solve unfinished; they are kept). */
  unconverged: number
  replicates: SaturatingParameters[]
}

export type BootstrapOutcome = { available: true; bootstrap: SaturatingBootstrap } | { available: false; reason: string }

export function bootstrapSaturating(
  params: readonly number[],
  loss: readonly number[],
  fit: SaturatingParameters,
  options: BootstrapOptions,
): BootstrapOutcome {
  const n = params.length
  if (!(Number.isInteger(options.samples) && options.samples >= 20))
    throw new Error(`bootstrapSaturating: samples must be an integer ≥ 20 (got ${options.samples})`)
  const fitted = params.map(N => Math.log(saturatingLoss(fit, N)))
  const residuals = loss.map((l, i) => Math.log(l) - fitted[i]!)
  const dof = n - 3
  const given = options.logLossNoiseSd
  if (given !== undefined && !(given > 0)) throw new Error(`bootstrapSaturating: logLossNoiseSd must be positive (got ${given})`)
  if (dof < 1 && (options.method === 'residual' || given === undefined)) {
    return {
      available: false,
      reason: `${n} points leave no residual degrees of freedom for the 3-parameter law; give logLossNoiseSd for a parametric bootstrap`,
    }
  }
  const meanResidual = residuals.reduce((s, r) => s + r, 0) / n
  const inflation = dof >= 1 ? Math.sqrt(n / dof) : 1
  const pool = residuals.map(r => (r - meanResidual) * inflation)
  const estimatedSd = dof >= 1 ? Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / dof) : 0
  const noiseSd = options.method === 'residual' ? Math.sqrt(pool.reduce((s, r) => s + r * r, 0) / n) : (given ?? estimatedSd)
  if (!(noiseSd > 0)) return { available: false, reason: 'the fit has zero residuals, so the bootstrap would have no noise; give logLossNoiseSd' }
  const random = seededRandom(options.seed)
  const replicates: SaturatingParameters[] = []
  let unconverged = 0
  for (let b = 0; b < options.samples; b++) {
    const simulated = fitted.map(f => Math.exp(f + (options.method === 'residual' ? pool[random.integer(n)]! : noiseSd * random.normal())))
    const refit = fitSaturatingProjection(params, simulated, REPLICATE_PRECISION)
    if (!refit.converged) unconverged++
    replicates.push({ E: refit.E, A: refit.A, alpha: refit.alpha })
  }
  return {
    available: true,
    bootstrap: {
      method: options.method,
      samples: options.samples,
      seed: options.seed,
      logLossNoiseSd: noiseSd,
      noiseSource: options.method === 'parametric' && given !== undefined ? 'given' : 'residuals',
      unconverged,
      replicates,
    },
  }
}

/** Equal-tailed percentile interval. */
export function percentileInterval(values: readonly number[], level: number): [number, number] {
  if (values.length === 0) throw new Error('percentileInterval: no values')
  const tail = (1 - level) / 2
  return [quantile(values as number[], tail), quantile(values as number[], 1 - tail)]
}
