/** The forged fixture families as study models: forged on first use, offline, with known right answers. */
import { BIGRAM_FAMILY, FIXTURE_MODELS, GPT_NEOX_FIXTURE_MODELS } from '../forge/fixture-family.ts'
import { FIXTURE_SOURCE_PREFIX } from './default-executor.ts'
import type { ModelSpec } from '../core/executor.ts'

const ALL_FIXTURES = [...FIXTURE_MODELS, ...GPT_NEOX_FIXTURE_MODELS]

export type FixtureModelName = (typeof ALL_FIXTURES)[number]['name']

/** The GPT-NeoX bigram family (384-token BPE), smallest first. */
export const GPT_NEOX_FIXTURE_NAMES: readonly string[] = GPT_NEOX_FIXTURE_MODELS.map(m => m.name)

/**
 * Model specs for fixture models, by name, each with its declared family (`brown-bigram` or `brown-neox`); all
 * five LLaMA bigram models (smallest first) when no names are given.
 */
export function fixtureModels(names: readonly string[] = BIGRAM_FAMILY.map(m => m.name)): ModelSpec[] {
  return names.map(name => {
    const fixture = ALL_FIXTURES.find(m => m.name === name)
    if (!fixture) throw new Error(`unknown fixture model ${name}; fixtures: ${ALL_FIXTURES.map(m => m.name).join(', ')}`)
    return { name, source: `${FIXTURE_SOURCE_PREFIX}${name}`, family: fixture.family }
  })
}
