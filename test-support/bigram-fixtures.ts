/** Every forged bigram fixture of both families, with what an independent check needs: its vocabulary and closed-form table. */
import { join } from 'node:path'
import type { DecoderWeights } from '../src/forge/architecture.ts'
import { closedFormLogProbTable } from '../src/forge/bigram-model.ts'
import { BIGRAM_FAMILY, fixtureDecoderConfig, GPT_NEOX_BIGRAM_FAMILY, gptNeoxFixtureConfig, type FixtureFamily } from '../src/forge/fixture-family.ts'
import { gptNeoxClosedFormLogProbTable } from '../src/forge/gpt-neox-bigram.ts'
import { readSafetensors } from '../src/forge/safetensors.ts'

export interface BigramFixture {
  readonly name: string
  readonly family: FixtureFamily
  readonly vocabSize: number
  /** log P(b | a), V × V, from the weights alone. */
  readonly table: (weights: DecoderWeights) => Float64Array
}

export const BIGRAM_FIXTURES: readonly BigramFixture[] = [
  ...BIGRAM_FAMILY.map(spec => {
    const config = fixtureDecoderConfig(spec)
    return { name: spec.name, family: spec.family, vocabSize: config.vocabSize, table: (w: DecoderWeights) => closedFormLogProbTable(config, w) }
  }),
  ...GPT_NEOX_BIGRAM_FAMILY.map(spec => {
    const config = gptNeoxFixtureConfig(spec)
    return { name: spec.name, family: spec.family, vocabSize: config.vocabSize, table: (w: DecoderWeights) => gptNeoxClosedFormLogProbTable(config, w) }
  }),
]

export function bigramFixture(name: string): BigramFixture {
  const fixture = BIGRAM_FIXTURES.find(f => f.name === name)
  if (!fixture) throw new Error(`${name} is not a bigram fixture; bigram fixtures: ${BIGRAM_FIXTURES.map(f => f.name).join(', ')}`)
  return fixture
}

/** The closed-form table of the fixture forged in `modelDir` (its model.safetensors). */
export async function closedFormTableOf(fixture: BigramFixture, modelDir: string): Promise<Float64Array> {
  return fixture.table(await readSafetensors(join(modelDir, 'model.safetensors')))
}
