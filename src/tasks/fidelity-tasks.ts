/**
 * Fidelity tasks: how far a model's next-token distributions drift from its reference model's (a study model's
 * `reference`), over WikiText-2's test text for hub models or the Brown held-out text for the fixture families.
 * The metrics are llama.cpp's `perplexity --kl-divergence` set; the statistics are computed in src/models/fidelity.ts.
 */
import type { FidelityMetric, FidelityTask } from './task-types.ts'
import { brownHeldOutPerplexity } from './token-perplexity-tasks.ts'
import { loadWikitext2RawTestText } from './wikitext2-raw-lines.ts'

/** KL(reference ‖ model) per scored position, in nats. */
const divergence = (aggregation: 'mean' | 'corpus', stderr?: string): FidelityMetric => ({
  direction: 'lower',
  kind: 'divergence',
  aggregation,
  ...(stderr ? { stderr } : {}),
})
/** Δp: the model's probability of the observed next token minus the reference's (higher: the model is surer of the truth). */
const shift = (aggregation: 'mean' | 'corpus'): FidelityMetric => ({ direction: 'higher', kind: 'probability_shift', aggregation })
const ratio: FidelityMetric = { direction: 'lower', kind: 'perplexity_ratio', aggregation: 'corpus' }

export const fidelityMetrics = {
  kl_mean: divergence('mean', 'kl_mean_se'),
  kl_median: divergence('corpus'),
  kl_p90: divergence('corpus'),
  kl_p99: divergence('corpus'),
  kl_max: divergence('corpus'),
  /** The share of positions where both models put the same token on top. */
  top1_agreement: { direction: 'higher', kind: 'agreement', aggregation: 'mean', stderr: 'top1_agreement_se' },
  delta_p_mean: shift('mean'),
  /** The root mean square of Δp: lower is closer, whichever way the probabilities moved. */
  delta_p_rms: { direction: 'lower', kind: 'probability_shift', aggregation: 'corpus' },
  delta_p_p01: shift('corpus'),
  delta_p_p05: shift('corpus'),
  delta_p_median: shift('corpus'),
  delta_p_p95: shift('corpus'),
  delta_p_p99: shift('corpus'),
  /** The model's perplexity over the reference's on the same tokens, with the bounds of its 95% interval. */
  ppl_ratio: ratio,
  ppl_ratio_low: ratio,
  ppl_ratio_high: ratio,
} as const satisfies Record<string, FidelityMetric>

type FidelityOptions = { readonly window: number; readonly chunk: number }

/** llama.cpp's default context of 512 tokens per window; 64 positions per call hold 64 × vocabulary logits per model. */
const FIDELITY_OPTIONS: FidelityOptions = { window: 512, chunk: 64 }

export const wikitext2Fidelity: FidelityTask<'wikitext2_fidelity', keyof typeof fidelityMetrics, FidelityOptions> = {
  kind: 'fidelity',
  name: 'wikitext2_fidelity',
  version: '1.0',
  metrics: fidelityMetrics,
  options: FIDELITY_OPTIONS,
  loadText: loadWikitext2RawTestText,
}

export const brownHeldOutFidelity: FidelityTask<'brown_heldout_fidelity', keyof typeof fidelityMetrics, FidelityOptions> = {
  kind: 'fidelity',
  name: 'brown_heldout_fidelity',
  version: '1.0',
  metrics: fidelityMetrics,
  options: FIDELITY_OPTIONS,
  loadText: brownHeldOutPerplexity.loadText,
}
