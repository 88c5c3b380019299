/**
 * What a task is, independent of where its documents come from: a name, a version recorded with every
 * result, the metrics it reports, and its documents already turned into log-likelihood requests.
 * Hub tasks build documents from dataset rows (hub-task.ts); a task may also build them in code.
 */
import type { DataOptions } from '../data/data-options.ts'
import type { LoglikelihoodRequest } from '../eval/scorer.ts'

export type ChoiceMetric = 'acc' | 'acc_norm'
export type RollingMetric = 'word_perplexity' | 'byte_perplexity' | 'bits_per_byte'

/** One multiple-choice document: one request per choice, in choice order. */
export interface ChoiceDocument {
  readonly requests: readonly LoglikelihoodRequest[]
  /** lm-eval's doc_to_choice strings; acc_norm divides by their length in code points. */
  readonly choices: readonly string[]
  /** Index of the correct choice. */
  readonly gold: number
}

/** One document scored whole by `loglikelihoodRolling`, with counts taken from its original text. */
export interface RollingDocument {
  /** The string the model scores (after any detokenisation). */
  readonly text: string
  readonly words: number
  readonly bytes: number
}

interface TaskIdentity<Name extends string> {
  readonly name: Name
  /** Recorded with every result; bump it whenever the documents or requests change. */
  readonly version: string
}

export interface MultipleChoiceTask<Name extends string = string, Metric extends ChoiceMetric = ChoiceMetric>
  extends TaskIdentity<Name> {
  readonly kind: 'multiple_choice'
  readonly metrics: readonly Metric[]
  /** Every document of the evaluated split, in dataset order. */
  loadDocuments(options: DataOptions): Promise<ChoiceDocument[]>
}

export interface RollingTask<Name extends string = string> extends TaskIdentity<Name> {
  readonly kind: 'loglikelihood_rolling'
  readonly metrics: readonly RollingMetric[]
  loadDocuments(options: DataOptions): Promise<RollingDocument[]>
}

export type Task = MultipleChoiceTask | RollingTask
