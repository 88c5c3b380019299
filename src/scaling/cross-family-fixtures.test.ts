/**
 * The cross-family fit on the two forged fixture families (LLaMA with a 512-token BPE, GPT-NeoX with a 384-token
 * BPE), from bits per byte computed in closed form from each model's weights: it reports an offset per family
 * with an interval, and names the family ahead at equal size.
 */
import { join } from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import { ensureFixtureModels, type FixtureManifest } from '../forge/fixture-family.ts'
import { readSafetensors } from '../forge/safetensors.ts'
import { describeCrossFamily, fitCrossFamily, type FamilyPoint } from './cross-family.ts'
import { BIGRAM_FIXTURES } from '../../test-support/bigram-fixtures.ts'
import { closedFormHeldOutPerplexity } from '../../test-support/closed-form-perplexity.ts'

let manifest: FixtureManifest
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})

test('both fixture families: offsets with intervals, per-family exponents, and a verdict', async () => {
  const points: FamilyPoint[] = []
  for (const fixture of BIGRAM_FIXTURES) {
    const path = manifest.models.find(m => m.name === fixture.name)!.path
    const weights = await readSafetensors(join(path, 'model.safetensors'))
    const params = Object.values(weights).reduce((n, w) => n + w.data.length, 0)
    points.push({ model: fixture.name, family: fixture.family, params, bitsPerByte: (await closedFormHeldOutPerplexity(path, fixture.name)).bitsPerByte })
  }
  const fit = fitCrossFamily(points)
  expect(fit.families).toEqual(['brown-bigram', 'brown-neox'])
  for (const family of fit.families) {
    const { value, interval } = fit.shared.offsets[family]!
    expect(interval[0]).toBeLessThan(value)
    expect(interval[1]).toBeGreaterThan(value)
    expect(fit.perFamily.exponents[family]!.value).toBeGreaterThan(0) // bits per byte fall with size in both
  }
  console.log(
    [...points.map(p => `${p.model} (${p.family}): ${p.params} params, ${p.bitsPerByte.toFixed(4)} bits/byte`), ...describeCrossFamily(fit)].join('\n'),
  )
  expect(describeCrossFamily(fit)).toHaveLength(2)
})
