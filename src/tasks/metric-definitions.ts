/**
 * The metrics tasks declare, each with its metadata and its computation (lm-eval's `metric_list` entries,
 * typed). A task names the ones it reports; the evaluation runs whatever a task declares.
 */
import {
  accuracy,
  bitsPerByte,
  brierScore,
  bytePerplexity,
  goldLogLikelihoodPerToken,
  goldMargin,
  goldProbability,
  normalizedAccuracy,
  wordPerplexity,
} from './metric-math.ts'
import type { ChoiceMetric, RollingMetric, TokenMetric } from './task-types.ts'

/** acc: 1 when the highest log-likelihood is the gold choice. */
export const acc: ChoiceMetric = {
  direction: 'higher',
  kind: 'accuracy',
  aggregation: 'mean',
  perDocument: (ll, document) => accuracy(ll, document.gold),
}

/** acc_norm: the same on log-likelihood per code point of each choice. */
export const accNorm: ChoiceMetric = {
  direction: 'higher',
  kind: 'accuracy',
  aggregation: 'mean',
  perDocument: (ll, document) => normalizedAccuracy(ll, document.choices, document.gold),
}

/**
 * Continuous per-item scores of a multiple-choice document. Near chance, 0/1 accuracy is mostly noise; these move
 * with every change in the model's log-likelihoods, so they show a trend (and a difference between runs) where
 * accuracy is flat. Every multiple-choice task reports them beside its accuracies.
 */
export const choiceScores: { readonly [Name in 'gold_prob' | 'gold_margin' | 'brier' | 'gold_ll_per_token']: ChoiceMetric } = {
  /** The probability mass on the gold choice, the softmax of the choices' log-likelihoods. */
  gold_prob: { direction: 'higher', kind: 'probability', aggregation: 'mean', perDocument: (ll, document) => goldProbability(ll, document.gold) },
  /** The gold choice's log-likelihood minus the best wrong choice's, in nats. */
  gold_margin: { direction: 'higher', kind: 'margin', aggregation: 'mean', perDocument: (ll, document) => goldMargin(ll, document.gold) },
  /** Brier score of the choice probabilities against the gold one-hot vector. */
  brier: { direction: 'lower', kind: 'brier', aggregation: 'mean', perDocument: (ll, document) => brierScore(ll, document.gold) },
  /** The gold continuation's log-likelihood per token, in nats. */
  gold_ll_per_token: {
    direction: 'higher',
    kind: 'log_likelihood',
    unit: 'token',
    aggregation: 'mean',
    perDocument: (ll, document, tokens) => goldLogLikelihoodPerToken(ll, tokens, document.gold),
  },
}

/** lm-eval's rolling metrics: exp(−Σ LL / Σ words), exp(−Σ LL / Σ bytes), −Σ LL / (Σ bytes · ln 2). */
export const rollingMetrics = {
  word_perplexity: { direction: 'lower', kind: 'perplexity', unit: 'word', aggregation: 'corpus', corpus: t => wordPerplexity(t.logLikelihoods, t.words) },
  byte_perplexity: { direction: 'lower', kind: 'perplexity', unit: 'byte', aggregation: 'corpus', corpus: t => bytePerplexity(t.logLikelihoods, t.bytes) },
  bits_per_byte: { direction: 'lower', kind: 'bits', unit: 'byte', aggregation: 'corpus', corpus: t => bitsPerByte(t.logLikelihoods, t.bytes) },
} as const satisfies Record<string, RollingMetric>

/** Token-level metrics of one text: perplexity per token, mean NLL per token in nats, bits per UTF-8 byte. */
export const tokenMetrics = {
  perplexity: { direction: 'lower', kind: 'perplexity', unit: 'token', aggregation: 'corpus', corpus: t => Math.exp(t.nll / t.tokens) },
  nll: { direction: 'lower', kind: 'nll', unit: 'token', aggregation: 'corpus', corpus: t => t.nll / t.tokens },
  bits_per_byte: { direction: 'lower', kind: 'bits', unit: 'byte', aggregation: 'corpus', corpus: t => t.nll / (t.bytes * Math.LN2) },
} as const satisfies Record<string, TokenMetric>
