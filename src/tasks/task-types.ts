/**
 * What a task is, independent of where its documents come from: a name, a version recorded with every result,
 * its kind, its chance level, and the metrics it reports, each declared with its direction, kind and aggregation
 * and the computation that produces it. Hub tasks build documents from dataset rows (hub-task.ts); a task may
 * also build them in code. Adding a metric to a task is a change in that task's declaration alone.
 */
import { metricInfos, type MetricInfo, type TaskInfo } from '../core/task-info.ts'
import type { DataOptions } from '../hub/hub-options.ts'
import type { LoglikelihoodRequest, WindowMethod } from '../scoring/scorer.ts'

/** One multiple-choice document: one request per choice, in choice order. */
export interface ChoiceDocument {
  readonly requests: readonly LoglikelihoodRequest[]
  /** lm-eval's doc_to_choice strings; acc_norm divides by their length in code points. */
  readonly choices: readonly string[]
  /** Index of the correct choice. */
  readonly gold: number
  /** The value of the task's cluster key (e.g. the passage): documents that share it form one cluster. */
  readonly cluster?: string
}

/** One document scored whole by `loglikelihoodRolling`, with counts taken from its original text. */
export interface RollingDocument {
  /** The string the model scores (after any detokenisation). */
  readonly text: string
  readonly words: number
  readonly bytes: number
}

/**
 * A metric of a multiple-choice task: a value per document (from its choices' log-likelihoods and their
 * continuations' token counts), then the mean.
 */
export interface ChoiceMetric extends MetricInfo {
  readonly aggregation: 'mean'
  perDocument(logLikelihoods: readonly number[], document: ChoiceDocument, continuationTokens: readonly number[]): number
}

/** A rolling document's scores: its log-likelihood and its original page's words and bytes. */
export interface RollingTotals {
  readonly logLikelihoods: readonly number[]
  readonly words: readonly number[]
  readonly bytes: readonly number[]
}

/** A corpus-level metric of rolling documents (lm-eval's weighted perplexities). */
export interface RollingMetric extends MetricInfo {
  readonly aggregation: 'corpus'
  corpus(totals: RollingTotals): number
}

/** What a token-level window plan measured over one text. */
export interface TokenTotals {
  readonly nll: number
  readonly tokens: number
  readonly bytes: number
}

export interface TokenMetric extends MetricInfo {
  readonly aggregation: 'corpus'
  corpus(totals: TokenTotals): number
}

interface TaskDeclaration<Name extends string, Metric extends MetricInfo, M extends string> {
  readonly name: Name
  /** Recorded with every result; bump it whenever the documents or requests change. */
  readonly version: string
  readonly chance?: number
  readonly metrics: { readonly [K in M]: Metric }
}

export interface MultipleChoiceTask<Name extends string = string, M extends string = string> extends TaskDeclaration<Name, ChoiceMetric, M> {
  readonly kind: 'multiple_choice'
  /** The field whose shared values make documents one cluster, when the task has one (clustered standard errors). */
  readonly clusterKey?: string
  /** Every document of the evaluated split, in dataset order. */
  loadDocuments(options: DataOptions): Promise<ChoiceDocument[]>
}

export interface RollingTask<Name extends string = string, M extends string = string> extends TaskDeclaration<Name, RollingMetric, M> {
  readonly kind: 'loglikelihood_rolling'
  loadDocuments(options: DataOptions): Promise<RollingDocument[]>
}

type TaskOptionValues = Readonly<Record<string, number>>

/** A task over one text, with the settings a study may change and their defaults. */
interface TextTask<Name extends string, Metric extends MetricInfo, M extends string, O extends TaskOptionValues> extends TaskDeclaration<Name, Metric, M> {
  readonly options: O
  loadText(options: DataOptions): Promise<string>
}

/** One text scored under a token-level window plan (sliding window or fixed chunks); options e.g. window 1024, stride 512. */
export interface TokenPerplexityTask<Name extends string = string, M extends string = string, O extends TaskOptionValues = TaskOptionValues>
  extends TextTask<Name, TokenMetric, M, O> {
  readonly kind: 'token_perplexity'
  /** The window plan for the given settings. */
  method(options: O): WindowMethod
}

/**
 * A fidelity statistic: the value of a named statistic of the model's distributions against its reference's, with
 * the statistic holding its standard error when it has one (llama.cpp's `perplexity --kl-divergence` set).
 */
export interface FidelityMetric<Statistic extends string = string> extends MetricInfo {
  readonly aggregation: 'mean' | 'corpus'
  readonly stderr?: Statistic
}

/**
 * A model scored against a reference model over one text in non-overlapping windows (src/models/fidelity.ts): each
 * metric names the statistic it reports; options are tokens per window and positions per onnxruntime call.
 */
export interface FidelityTask<Name extends string = string, M extends string = string, O extends TaskOptionValues = TaskOptionValues>
  extends TextTask<Name, FidelityMetric, M, O> {
  readonly kind: 'fidelity'
}

export type Task = MultipleChoiceTask | RollingTask | TokenPerplexityTask | FidelityTask

/** The declaration without its computations, as results record it. */
export function taskInfo(task: Task): TaskInfo {
  const metrics = metricInfos(task.metrics)
  return {
    kind: task.kind,
    version: task.version,
    ...(task.chance === undefined ? {} : { chance: task.chance }),
    metrics,
    ...(task.kind === 'token_perplexity' || task.kind === 'fidelity' ? { options: { ...task.options } } : {}),
    ...(task.kind === 'multiple_choice' && task.clusterKey !== undefined ? { clusterKey: task.clusterKey } : {}),
  }
}

/** The options a task takes, as a study writes them (each optional). */
export type TaskOptionsOf<T> = T extends { readonly options: infer O } ? { readonly [K in keyof O]?: number } : Record<never, never>
