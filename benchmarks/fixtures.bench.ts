/**
 * The default study: the forged Brown-bigram family (42k → 2.6M parameters) on the fixture tasks and on
 * held-out text, offline. Every number has an independent right answer: perplexities in closed form, and
 * accuracies that rise with size. Bands are wide enough for any CPU, tight enough to catch a broken scorer.
 */
import { defineStudy, fixtureModels } from '../src/index.ts'

defineStudy({
  name: 'fixtures',
  models: fixtureModels(),
  tasks: ['brown_heldout_ppl', 'brown_next_word', 'brown_word_order'],
  bands: {
    '*': {
      brown_heldout_ppl: { perplexity: { min: 30, max: 220 }, bits_per_byte: { min: 1.5, max: 4 } },
      brown_next_word: { acc_norm: { min: 0.2, max: 0.5 } },
      brown_word_order: { acc: { min: 0.2, max: 0.75 } },
    },
    'brown-bigram-xl': {
      brown_heldout_ppl: { perplexity: { min: 30, max: 70 } },
      brown_word_order: { acc: { min: 0.5, max: 0.65 } },
    },
  },
})
