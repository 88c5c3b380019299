/**
 * The cross-family study, offline (`npm run study:families`; never part of the default `npx vitest bench --run`):
 * three forged LLaMA decoders with a 512-token BPE and three forged GPT-NeoX decoders with a 384-token BPE and no
 * BOS (37k → 410k parameters, three sizes per family: the fewest that give each its own exponent), on held-out Brown text. Their token perplexities are per different tokens and cannot be compared; bits per
 * byte can, and report.md fits them across the two declared families.
 */
import { defineStudy, fixtureModels } from '../src/index.ts'

defineStudy({
  name: 'families',
  models: fixtureModels(['brown-bigram-xs', 'brown-bigram-s', 'brown-bigram-m', 'brown-neox-xs', 'brown-neox-s', 'brown-neox-m']),
  tasks: ['brown_heldout_ppl'],
  bands: { '*': { brown_heldout_ppl: { bits_per_byte: { min: 1.5, max: 4.5 } } } },
  // Quality across families is the question here; the default study measures speed.
  throughput: false,
})
