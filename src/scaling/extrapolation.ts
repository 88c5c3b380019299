// Out-of-sample checks: leave-one-out (the endpoints are true extrapolations) and forward rollout
// (fit the k smallest models, predict the next one). Errors are (predicted − actual) / actual.
import { fitLossForm, LOSS_FORMS, type LossForm } from './loss-forms.ts'

export interface HeldOutPrediction {
  /** Index of the held-out point in the size-sorted input. */
  heldOut: number
  params: number
  /** Indices of the points the law was fitted to. */
  fittedOn: number[]
  actualLoss: number
  predictedLoss: number
  lossRelativeError: number
  /** exp(predicted L) / exp(actual L) − 1. */
  perplexityRelativeError: number
}

function heldOut(form: LossForm, params: readonly number[], loss: readonly number[], train: number[], target: number): HeldOutPrediction {
  const law = fitLossForm(
    form,
    train.map(i => params[i]!),
    train.map(i => loss[i]!),
  )
  const predictedLoss = law.predictLoss(params[target]!)
  const actualLoss = loss[target]!
  return {
    heldOut: target,
    params: params[target]!,
    fittedOn: train,
    actualLoss,
    predictedLoss,
    lossRelativeError: predictedLoss / actualLoss - 1,
    perplexityRelativeError: Math.expm1(predictedLoss - actualLoss),
  }
}

function checkSorted(params: readonly number[], caller: string): void {
  for (let i = 1; i < params.length; i++) {
    if (!(params[i]! > params[i - 1]!)) throw new Error(`${caller}: sizes must be strictly increasing (index ${i}: ${params[i]} after ${params[i - 1]})`)
  }
}

/** null when removing a point leaves fewer points than the law has parameters. */
export function leaveOneOut(form: LossForm, params: readonly number[], loss: readonly number[]): HeldOutPrediction[] | null {
  checkSorted(params, 'leaveOneOut')
  if (params.length - 1 < LOSS_FORMS[form].parameters) return null
  return params.map((_, target) =>
    heldOut(
      form,
      params,
      loss,
      params.map((__, i) => i).filter(i => i !== target),
      target,
    ),
  )
}

/** Fit on the k smallest, predict point k (0-based), for every k from the law's parameter count to n − 1. */
export function forwardRollout(form: LossForm, params: readonly number[], loss: readonly number[]): HeldOutPrediction[] {
  checkSorted(params, 'forwardRollout')
  const results: HeldOutPrediction[] = []
  for (let k = LOSS_FORMS[form].parameters; k < params.length; k++) {
    results.push(
      heldOut(
        form,
        params,
        loss,
        Array.from({ length: k }, (_, i) => i),
        k,
      ),
    )
  }
  return results
}
