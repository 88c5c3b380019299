// The prediction interval against simulations from a known law: a held-out next size, its measured loss drawn
// with the same noise as the fitted points, inside the interval about 95% of the time.
import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { fitLinear, predictLinear } from './linear-fit.ts'
import { predictSaturating, saturatingInference } from './saturating-inference.ts'
import { saturatingLoss } from './saturating-law.ts'
import { studentTCritical } from './student-t.ts'
import { fitSaturatingProjection } from './variable-projection.ts'

const truth = { E: 1.8, A: 300, alpha: 0.33 }
const sizes = Array.from({ length: 7 }, (_, i) => 20e6 * 2 ** i)
const next = sizes.at(-1)! * 2

describe('saturating prediction interval', () => {
  test('covers the next size’s measured loss ≈ 95% over 800 seeded simulations (7 sizes, noise SD 1% in ln L)', () => {
    const random = seededRandom(1)
    let covered = 0
    let meanCovered = 0
    const runs = 800
    for (let s = 0; s < runs; s++) {
      const noisy = (N: number) => saturatingLoss(truth, N) * Math.exp(0.01 * random.normal())
      const loss = sizes.map(noisy)
      const fit = fitSaturatingProjection(sizes, loss, { gridPoints: 61 })
      const prediction = predictSaturating(fit, saturatingInference(sizes, fit), next, 0.95)
      const [low, high] = prediction.predictionInterval!
      const measured = noisy(next)
      if (measured >= low && measured <= high) covered++
      const trueLoss = saturatingLoss(truth, next)
      if (trueLoss >= prediction.meanInterval![0] && trueLoss <= prediction.meanInterval![1]) meanCovered++
    }
    // Measured: 95.1% for the new model's loss; the curve's confidence interval covers the true loss 95.5%.
    expect(covered / runs).toBeGreaterThanOrEqual(0.93)
    expect(covered / runs).toBeLessThanOrEqual(0.97)
    expect(meanCovered / runs).toBeGreaterThanOrEqual(0.93)
    expect(meanCovered / runs).toBeLessThanOrEqual(0.97)
  })

  test('with E at 0 the fit is OLS in ln L on ln N; the intervals keep n − 3 dof (closed form)', () => {
    const loss = [5.0595, 4.8021, 4.4849, 4.1894, 3.9623]
    const params = [42080, 139584, 393888, 885888, 2558400]
    const fit = fitSaturatingProjection(params, loss)
    expect(fit.irreducibleAtZero).toBe(true)
    const inference = saturatingInference(params, fit)
    expect(inference.dof).toBe(2)
    const prediction = predictSaturating(fit, inference, 3e9, 0.95)
    const line = predictLinear(fitLinear(params.map(Math.log), loss.map(Math.log), { level: 0.95 }), Math.log(3e9))
    expect(Math.log(prediction.loss)).toBeCloseTo(line.y, 6)
    // OLS's half-widths use s² = RSS/3 and t on 3 dof; these RSS/2 and t on 2 dof.
    const scale = (studentTCritical(0.95, 2) * Math.sqrt(1 / 2)) / (studentTCritical(0.95, 3) * Math.sqrt(1 / 3))
    expect(Math.log(prediction.meanInterval![1]) - Math.log(prediction.loss)).toBeCloseTo((line.meanInterval![1] - line.y) * scale, 5)
    expect(Math.log(prediction.predictionInterval![1]) - Math.log(prediction.loss)).toBeCloseTo((line.observationInterval![1] - line.y) * scale, 5)
  })
})
