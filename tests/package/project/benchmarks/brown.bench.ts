import { defineStudy, fixtureModels } from 'lmscale'

defineStudy({
  name: 'brown',
  models: fixtureModels(['brown-bigram-xs', 'brown-bigram-s']),
  tasks: ['brown_heldout_ppl'],
  // brown-bigram-xs (perplexity ≈ 158) fails this band on purpose; brown-bigram-s (≈ 122) passes.
  bands: { '*': { brown_heldout_ppl: { perplexity: { max: 140 } } } },
})
