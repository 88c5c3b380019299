import { describe, expect, test } from 'vitest'
import { seededRandom } from '../core/random.ts'
import { describeCrossFamily, fitCrossFamily, type FamilyPoint } from './cross-family.ts'

/** bpb = A_f · N^−α_f · exp(noise), six sizes per family from 1e6 to 1e9. */
function simulate(families: Record<string, { a: number; alpha: number }>, noiseSd: number, seed: number): FamilyPoint[] {
  const { uniform } = seededRandom(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  return Object.entries(families).flatMap(([family, { a, alpha }]) =>
    [1e6, 4e6, 1.6e7, 6.4e7, 2.56e8, 1e9].map((params, i) => ({
      model: `${family}-${i}`,
      family,
      params,
      bitsPerByte: Math.exp(a - alpha * Math.log(params) + noiseSd * normal()),
    })),
  )
}

describe('cross-family scaling in bits per byte', () => {
  test('noise-free data give the exact exponents, offsets and F = ∞ when exponents differ', () => {
    const fit = fitCrossFamily(simulate({ pythia: { a: 2, alpha: 0.12 }, smollm: { a: 2.5, alpha: 0.16 } }, 0, 1))
    expect(fit.perFamily.exponents.pythia!.value).toBeCloseTo(0.12, 12)
    expect(fit.perFamily.exponents.smollm!.value).toBeCloseTo(0.16, 12)
    expect(fit.exponentsDiffer.pValue).toBeLessThan(1e-12)
  })

  test('a known difference in exponents (0.10 vs 0.16) is recovered over 1000 simulations: unbiased, covered ~95%, detected every time', () => {
    const runs = 1000
    let covered = 0
    let detected = 0
    let meanDifference = 0
    for (let seed = 0; seed < runs; seed++) {
      const fit = fitCrossFamily(simulate({ a: { a: 1.5, alpha: 0.1 }, b: { a: 2.3, alpha: 0.16 } }, 0.01, seed))
      for (const [family, truth] of [
        ['a', 0.1],
        ['b', 0.16],
      ] as const) {
        const [low, high] = fit.perFamily.exponents[family]!.interval
        if (low < truth && truth < high) covered++
      }
      if (fit.exponentsDiffer.pValue < 0.01) detected++
      meanDifference += (fit.perFamily.exponents.b!.value - fit.perFamily.exponents.a!.value) / runs
    }
    expect(meanDifference).toBeCloseTo(0.06, 3)
    expect(covered / (2 * runs)).toBeGreaterThan(0.92)
    expect(covered / (2 * runs)).toBeLessThan(0.98)
    expect(detected).toBe(runs)
  })

  test('equal exponents: the shared fit recovers exponent and offset gap; 95% intervals cover the truth in about 95% of 400 simulations', () => {
    let exponentCovered = 0
    let offsetCovered = 0
    let falseAlarms = 0
    const runs = 400
    for (let seed = 0; seed < runs; seed++) {
      const fit = fitCrossFamily(simulate({ llama: { a: 1.2, alpha: 0.08 }, neox: { a: 1.3, alpha: 0.08 }, qwen: { a: 1.25, alpha: 0.08 } }, 0.02, seed))
      const [low, high] = fit.shared.exponent.interval
      if (low < 0.08 && 0.08 < high) exponentCovered++
      const [oLow, oHigh] = fit.shared.offsets.neox!.interval
      if (oLow < 1.3 && 1.3 < oHigh) offsetCovered++
      if (fit.exponentsDiffer.pValue < 0.05) falseAlarms++
    }
    expect(exponentCovered / runs).toBeGreaterThan(0.92)
    expect(exponentCovered / runs).toBeLessThan(0.98)
    expect(offsetCovered / runs).toBeGreaterThan(0.92)
    expect(falseAlarms / runs).toBeLessThan(0.08)
  })

  test('the report names the family ahead at equal size and says whether the data can tell', () => {
    const clear = fitCrossFamily(simulate({ ahead: { a: 1.0, alpha: 0.1 }, behind: { a: 1.2, alpha: 0.1 } }, 0.01, 3))
    expect(clear.comparisons[0]).toMatchObject({ ahead: 'ahead', behind: 'behind', distinguishable: true })
    expect(clear.comparisons[0]!.ratio.value).toBeCloseTo(Math.exp(0.2), 1)
    expect(describeCrossFamily(clear)[0]).toMatch(/^At equal size, ahead needs 18\.\d% fewer bits per byte than behind .*: the data can tell\.$/)
    const close = fitCrossFamily(simulate({ x: { a: 1.0, alpha: 0.1 }, y: { a: 1.001, alpha: 0.1 } }, 0.05, 3))
    expect(close.comparisons[0]!.distinguishable).toBe(false)
    expect(describeCrossFamily(close)[0]).toMatch(/the data cannot tell them apart\.$/)
  })

  test('bad input names the model or family', () => {
    const points = simulate({ a: { a: 1, alpha: 0.1 }, b: { a: 1, alpha: 0.1 } }, 0.01, 1)
    expect(() => fitCrossFamily(points.filter(p => p.family === 'a'))).toThrow(/need at least 2 families, got a/)
    expect(() => fitCrossFamily(points.filter(p => p.model !== 'b-1' && p.model !== 'b-2' && p.model !== 'b-3' && p.model !== 'b-4'))).toThrow(
      /family b needs at least 3 distinct sizes/,
    )
    expect(() => fitCrossFamily([...points, { model: 'broken', family: 'a', params: 1e6, bitsPerByte: Number.NaN }])).toThrow(
      /model broken needs positive finite/,
    )
  })
})
