// The three candidate laws for loss against size, fitted to the same points so they can be compared.
// Since ln PPL = L (nats), the prior study's "PPL power law" (log PPL linear in log N) is the log-linear
// loss law L = c + s·ln N, and s is the perplexity slope d ln PPL / d ln N.
import { fitLinear } from './linear-fit.ts'
import { fitSaturatingProjection } from './variable-projection.ts'

export type LossForm = 'logLinear' | 'powerLaw' | 'saturating'

export const LOSS_FORMS: Record<LossForm, { parameters: number; formula: string; fittedBy: string }> = {
  logLinear: { parameters: 2, formula: 'L = c + s·ln N  (≡ PPL = e^c·N^s)', fittedBy: 'OLS of L (= ln PPL) on ln N' },
  powerLaw: { parameters: 2, formula: 'L = A·N^−α', fittedBy: 'OLS of ln L on ln N' },
  saturating: { parameters: 3, formula: 'L = E + A·N^−α', fittedBy: 'least squares on ln L by variable projection (NNLS in E, A inside a search over α)' },
}

export const LOSS_FORM_NAMES = Object.keys(LOSS_FORMS) as LossForm[]

export interface FittedLossForm {
  form: LossForm
  predictLoss(params: number): number
}

export function fitLossForm(form: LossForm, params: readonly number[], loss: readonly number[]): FittedLossForm {
  const logN = params.map(Math.log)
  switch (form) {
    case 'logLinear': {
      const line = fitLinear(logN, loss)
      return { form, predictLoss: N => line.intercept + line.slope * Math.log(N) }
    }
    case 'powerLaw': {
      const line = fitLinear(logN, loss.map(Math.log))
      return { form, predictLoss: N => Math.exp(line.intercept + line.slope * Math.log(N)) }
    }
    case 'saturating': {
      const fit = fitSaturatingProjection(params, loss)
      return { form, predictLoss: N => fit.E + fit.A * N ** -fit.alpha }
    }
  }
}
