import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { goodnessOfFit } from './goodness-of-fit.ts'
import { fitSaturatingProjection } from './variable-projection.ts'

const truth = (N: number) => 1.8 + 300 * N ** -0.33
const sizes = Array.from({ length: 7 }, (_, i) => 20e6 * 2 ** i)

describe('goodnessOfFit', () => {
  test('hand-computed χ²: residuals (0.02, −0.01, 0.03) with SE 0.01 give 14 on 1 dof', () => {
    const fit = goodnessOfFit([0.02, -0.01, 0.03], [0.01, 0.01, 0.01], 2)
    if (!fit.available) throw new Error(fit.reason)
    expect(fit.chiSquared).toBeCloseTo(14, 12)
    expect(fit.dof).toBe(1)
    expect(fit.describesPoints).toBe(false)
  })
  test('a saturating law with its true noise passes about 95% of the time; a curved truth fitted by the law with too small SEs is flagged', () => {
    const random = seededRandom(7)
    let passed = 0
    const runs = 200
    for (let s = 0; s < runs; s++) {
      const loss = sizes.map(N => truth(N) * Math.exp(0.01 * random.normal()))
      const fit = fitSaturatingProjection(sizes, loss, { gridPoints: 61 })
      const test = goodnessOfFit(
        fit.residuals,
        sizes.map(() => 0.01),
        3,
      )
      if (test.available && test.describesPoints) passed++
    }
    expect(passed / runs).toBeGreaterThan(0.91)
    expect(passed / runs).toBeLessThan(0.99)
    // A bump the law cannot follow: 3% up at the middle size, measured to 0.2%.
    const bumped = sizes.map((N, i) => truth(N) * (i === 3 ? 1.03 : 1))
    const fit = fitSaturatingProjection(sizes, bumped)
    const flagged = goodnessOfFit(
      fit.residuals,
      sizes.map(() => 0.002),
      3,
    )
    expect(flagged.available && flagged.describesPoints).toBe(false)
  })
  test('without standard errors: the residual RMS and no test', () => {
    const fit = goodnessOfFit([0.03, -0.04], null, 1)
    expect(fit).toEqual({ available: false, reason: 'no per-model standard error of every point', residualRms: Math.sqrt(0.00125) })
  })
})
