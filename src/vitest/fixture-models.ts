/** The forged fixture family as study models: forged on first use, offline, with known right answers. */
import { BIGRAM_FAMILY, FIXTURE_MODELS } from '../forge/fixture-family.ts'
import { FIXTURE_SOURCE_PREFIX } from './default-executor.ts'
import type { ModelSpec } from '../core/executor.ts'

export type FixtureModelName = (typeof FIXTURE_MODELS)[number]['name']

/** Model specs for fixture models, by name; all five bigram models (smallest first) when no names are given. */
export function fixtureModels(names: readonly string[] = BIGRAM_FAMILY.map(m => m.name)): ModelSpec[] {
  return names.map(name => {
    if (!FIXTURE_MODELS.some(m => m.name === name)) {
      throw new Error(`unknown fixture model ${name}; fixtures: ${FIXTURE_MODELS.map(m => m.name).join(', ')}`)
    }
    return { name, source: `${FIXTURE_SOURCE_PREFIX}${name}` }
  })
}
