/**
 * What a task declares about itself, the way lm-eval declares `higher_is_better` and `aggregation`: the gate,
 * the reports and the scaling fit read this metadata and never guess from a metric's name.
 */

export const METRIC_KINDS = [
  'accuracy',
  'perplexity',
  'nll',
  'bits',
  'probability',
  'margin',
  'brier',
  'log_likelihood',
  'divergence',
  'agreement',
  'probability_shift',
  'perplexity_ratio',
] as const
export type MetricKind = (typeof METRIC_KINDS)[number]

export interface MetricInfo {
  /** Which way is better: accuracies go up, perplexities and losses go down. */
  readonly direction: 'higher' | 'lower'
  /**
   * What the number is: a 0/1 accuracy, a perplexity (a ratio), an NLL in nats, bits, or a continuous per-item
   * score of a multiple-choice document (a probability, a margin in nats, a Brier score, a log-likelihood in nats);
   * or a fidelity statistic against a reference model (a KL divergence in nats, a top-token agreement rate, a shift
   * in the observed token's probability, a perplexity ratio).
   */
  readonly kind: MetricKind
  /** `mean`: the mean of per-item values, with its standard error; `corpus`: one ratio over the whole text. */
  readonly aggregation: 'mean' | 'corpus'
  /** What one step of a perplexity, NLL or bits counts: a token, a word or a byte. */
  readonly unit?: 'token' | 'word' | 'byte'
}

/** `fidelity`: a model scored against a reference model of the study (its `reference`), over a text in windows. */
export type TaskKind = 'multiple_choice' | 'loglikelihood_rolling' | 'token_perplexity' | 'fidelity'

/** A task as the harness sees it: recorded with every result. */
export interface TaskInfo<Metric extends string = string> {
  readonly kind: TaskKind
  /** Bump it whenever the documents or requests change: results of another version never compare. */
  readonly version: string
  /** Accuracy of uniform guessing (1 / choices) for multiple-choice tasks: the floor of accuracy scaling laws. */
  readonly chance?: number
  readonly metrics: { readonly [M in Metric]: MetricInfo }
  /**
   * The options a study may set for this task (positive integers, e.g. a sliding window's `window` and `stride`),
   * each with its default. A non-default option becomes part of the case's name and baseline key.
   */
  readonly options?: Readonly<Record<string, number>>
  /** The document field whose shared values make items one cluster (BoolQ's passage, SIQA's context): not independent. */
  readonly clusterKey?: string
}

/** The plain metadata of metric definitions, as results record it (definitions may carry their computation too). */
export function metricInfos(metrics: Readonly<Record<string, MetricInfo>>): Record<string, MetricInfo> {
  return Object.fromEntries(
    Object.entries(metrics).map(([name, { direction, kind, aggregation, unit }]) => [
      name,
      unit === undefined ? { direction, kind, aggregation } : { direction, kind, aggregation, unit },
    ]),
  )
}
