// AICc comparison of the loss laws on one likelihood scale: Gaussian errors on ln L. The log-linear law
// is least squares on L, so its likelihood is moved to the ln L scale with the Jacobian Σ ln L_i; the
// saturating law uses its least-squares fit (the profile minimum), the Gaussian MLE, not the Huber fit.
import { fitLinear } from './linear-fit.ts'
import { LOSS_FORMS, type LossForm } from './loss-forms.ts'

export interface FormComparisonRow {
  form: LossForm
  /** Curve parameters; k = parameters + 1 counts the noise variance too. */
  parameters: number
  k: number
  n: number
  /** Maximised Gaussian log-likelihood of ln L. */
  logLikelihood: number
  /** null when n ≤ k + 1 (the small-sample correction is undefined). */
  aicc: number | null
  deltaAicc: number | null
  akaikeWeight: number | null
}

export interface FormComparison {
  rows: FormComparisonRow[]
  best: LossForm | null
  note: string
}

/** Floor on SSE/n so an exact fit gives a large finite likelihood rather than +∞. */
const MIN_MEAN_SQUARE = 1e-30

function gaussianLogLikelihood(sse: number, n: number): number {
  return (-n / 2) * (Math.log(2 * Math.PI * Math.max(sse / n, MIN_MEAN_SQUARE)) + 1)
}

export function aicc(logLikelihood: number, k: number, n: number): number | null {
  if (n - k - 1 <= 0) return null
  return -2 * logLikelihood + 2 * k + (2 * k * (k + 1)) / (n - k - 1)
}

/** `saturatingLogLossSse`: SSE of ln L at the least-squares saturating fit (from the E profile). */
export function compareLossForms(params: readonly number[], loss: readonly number[], saturatingLogLossSse: number): FormComparison {
  const n = params.length
  const logN = params.map(Math.log)
  const logL = loss.map(Math.log)
  const sumLogL = logL.reduce((s, v) => s + v, 0)
  const sse = (line: ReturnType<typeof fitLinear>, y: readonly number[]) => y.reduce((s, yi, i) => s + (yi - line.intercept - line.slope * logN[i]!) ** 2, 0)
  const logLikelihoods: Record<LossForm, number> = {
    logLinear: gaussianLogLikelihood(sse(fitLinear(logN, loss), loss), n) + sumLogL,
    powerLaw: gaussianLogLikelihood(sse(fitLinear(logN, logL), logL), n),
    saturating: gaussianLogLikelihood(saturatingLogLossSse, n),
  }
  const rows = (Object.keys(LOSS_FORMS) as LossForm[]).map(form => {
    const parameters = LOSS_FORMS[form].parameters
    const k = parameters + 1
    return {
      form,
      parameters,
      k,
      n,
      logLikelihood: logLikelihoods[form],
      aicc: aicc(logLikelihoods[form], k, n),
      deltaAicc: null as number | null,
      akaikeWeight: null as number | null,
    }
  })
  const defined = rows.filter(r => r.aicc !== null)
  let best: LossForm | null = null
  if (defined.length > 0) {
    const minimum = Math.min(...defined.map(r => r.aicc!))
    const total = defined.reduce((s, r) => s + Math.exp(-(r.aicc! - minimum) / 2), 0)
    for (const r of defined) {
      r.deltaAicc = r.aicc! - minimum
      r.akaikeWeight = Math.exp(-r.deltaAicc / 2) / total
      if (r.deltaAicc === 0) best = r.form
    }
  }
  const undefinedForms = rows.filter(r => r.aicc === null).map(r => r.form)
  const note =
    undefinedForms.length === 0
      ? 'AICc on Gaussian log-loss likelihood; k counts the noise variance.'
      : `AICc is undefined for ${undefinedForms.join(', ')} with ${n} points (needs n > k + 1, k = curve parameters + 1 for the noise variance)` +
        (defined.length > 0 ? '; the remaining forms are compared among themselves.' : '; no comparison is possible.')
  return { rows, best, note }
}
