import { describe, expect, test } from 'vitest'
import { aicc, compareLossForms } from './model-selection.ts'
import { profileIrreducibleLoss } from './irreducible-profile.ts'
import { seededRandom } from '../core/random.ts'
import type { LossForm } from './loss-forms.ts'

const sizes = Array.from({ length: 8 }, (_, i) => 2e7 * 10 ** ((i * 2.5) / 7))

function winner(loss: number[]): LossForm | null {
  const profile = profileIrreducibleLoss(sizes, loss)
  return compareLossForms(sizes, loss, profile.best.sse).best
}

describe('AICc', () => {
  test('matches the formula −2 lnL + 2k + 2k(k+1)/(n−k−1)', () => {
    expect(aicc(10, 3, 8)).toBeCloseTo(-20 + 6 + 24 / 4, 12)
    expect(aicc(10, 3, 4)).toBeNull()
  })
  test('picks the true form on clean simulated data (noise 1e-4 in ln L)', () => {
    const random = seededRandom(31)
    const noise = () => Math.exp(1e-4 * random.normal())
    expect(winner(sizes.map(N => (1.7 + 400 * N ** -0.34) * noise()))).toBe('saturating')
    expect(winner(sizes.map(N => 19.4 * N ** -0.11 * noise()))).toBe('powerLaw')
    expect(winner(sizes.map(N => (6.5 - 0.23 * Math.log(N)) * noise()))).toBe('logLinear')
  })
  test('with four points every form is undefined and the note says why', () => {
    const four = sizes.slice(0, 4)
    const loss = four.map(N => 19.4 * N ** -0.11)
    const comparison = compareLossForms(four, loss, 1e-6)
    expect(comparison.best).toBeNull()
    expect(comparison.rows.every(r => r.aicc === null)).toBe(true)
    expect(comparison.note).toMatch(/undefined for logLinear, powerLaw, saturating with 4 points/)
  })
  test('Akaike weights sum to one over the defined forms', () => {
    const random = seededRandom(32)
    const loss = sizes.map(N => (1.7 + 400 * N ** -0.34) * Math.exp(0.01 * random.normal()))
    const comparison = compareLossForms(sizes, loss, profileIrreducibleLoss(sizes, loss).best.sse)
    expect(comparison.rows.reduce((s, r) => s + r.akaikeWeight!, 0)).toBeCloseTo(1, 12)
  })
})
