/**
 * Runs one task against a scorer: documents → requests → log-likelihoods → metrics, plus compact per-item
 * records (the baselines' paired tests read them). The result is plain JSON; the task's version goes with it.
 * Tasks are data to this function: adding one never changes it.
 */
import { dataOptionsFromEnv, type DataOptions } from '../data/data-options.ts'
import type { ChoiceMetric, MultipleChoiceTask, RollingMetric, RollingTask, Task } from '../tasks/task-types.ts'
import {
  accuracy,
  bitsPerByte,
  bytePerplexity,
  mean,
  meanStderr,
  normalizedAccuracy,
  wordPerplexity,
} from './metrics.ts'
import type { LoglikelihoodScorer } from './scorer.ts'

export interface MetricValue {
  readonly value: number
  /** Absent where lm-eval prints "N/A": perplexities, and means over fewer than two documents. */
  readonly stderr?: number
}

/** One multiple-choice document: gold, each choice's log-likelihood, and 0/1 for each reported metric. */
export interface ChoiceItem {
  readonly gold: number
  readonly ll: readonly number[]
  readonly acc: 0 | 1
  readonly acc_norm?: 0 | 1
}

/** One rolling document: its log-likelihood, the original page's words and bytes, and the tokens scored. */
export interface RollingItem {
  readonly ll: number
  readonly words: number
  readonly bytes: number
  readonly tokens: number
}

export interface TaskResult<Metric extends string = string, Item = ChoiceItem | RollingItem> {
  readonly task: string
  readonly taskVersion: string
  /** Documents evaluated (after `limit`). */
  readonly n: number
  readonly metrics: Readonly<Record<Metric, MetricValue>>
  readonly items: readonly Item[]
}

export interface EvaluateOptions {
  /** lm-eval's `--limit`: only the first N documents, in dataset order. */
  readonly limit?: number
  /** Where dataset files come from; defaults to the environment (HF_* variables, LMSCALE_DATA_DIR). */
  readonly data?: DataOptions
}

function firstDocuments<T>(documents: readonly T[], limit: number | undefined, task: string): T[] {
  if (limit === undefined) return [...documents]
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit for task ${task} must be a positive integer, got ${limit}`)
  return documents.slice(0, limit)
}

function checkFinite(task: string, document: number, value: number): number {
  if (!Number.isFinite(value)) {
    throw new Error(`task ${task}, document ${document}: the scorer returned a non-finite log-likelihood (${value})`)
  }
  return value
}

function meanWithStderr(values: readonly number[]): MetricValue {
  const stderr = meanStderr(values)
  return stderr === undefined ? { value: mean(values) } : { value: mean(values), stderr }
}

async function evaluateChoiceTask<M extends ChoiceMetric>(
  task: MultipleChoiceTask<string, M>,
  scorer: LoglikelihoodScorer,
  options: EvaluateOptions,
  data: DataOptions,
): Promise<TaskResult<M, ChoiceItem>> {
  const documents = firstDocuments(await task.loadDocuments(data), options.limit, task.name)
  const results = await scorer.loglikelihood(documents.flatMap((doc) => doc.requests))
  const withNorm = (task.metrics as readonly ChoiceMetric[]).includes('acc_norm')
  let offset = 0
  const items = documents.map((doc, index): ChoiceItem => {
    const ll = results.slice(offset, offset + doc.requests.length).map((r) => checkFinite(task.name, index, r.logLikelihood))
    offset += doc.requests.length
    const acc = accuracy(ll, doc.gold)
    return withNorm ? { gold: doc.gold, ll, acc, acc_norm: normalizedAccuracy(ll, doc.choices, doc.gold) } : { gold: doc.gold, ll, acc }
  })
  if (offset !== results.length) throw new Error(`task ${task.name}: the scorer returned ${results.length} results for ${offset} requests`)
  const metrics = Object.fromEntries(
    task.metrics.map((metric) => [metric, meanWithStderr(items.map((item) => item[metric] ?? 0))]),
  ) as Record<M, MetricValue>
  return { task: task.name, taskVersion: task.version, n: items.length, metrics, items }
}

async function evaluateRollingTask(
  task: RollingTask,
  scorer: LoglikelihoodScorer,
  options: EvaluateOptions,
  data: DataOptions,
): Promise<TaskResult<RollingMetric, RollingItem>> {
  const documents = firstDocuments(await task.loadDocuments(data), options.limit, task.name)
  const results = await scorer.loglikelihoodRolling(documents.map((doc) => doc.text))
  if (results.length !== documents.length) {
    throw new Error(`task ${task.name}: the scorer returned ${results.length} results for ${documents.length} documents`)
  }
  const items = documents.map((doc, index): RollingItem => {
    const result = results[index] as (typeof results)[number]
    return { ll: checkFinite(task.name, index, result.logLikelihood), words: doc.words, bytes: doc.bytes, tokens: result.tokens }
  })
  const ll = items.map((item) => item.ll)
  const words = items.map((item) => item.words)
  const bytes = items.map((item) => item.bytes)
  const all: Record<RollingMetric, MetricValue> = {
    word_perplexity: { value: wordPerplexity(ll, words) },
    byte_perplexity: { value: bytePerplexity(ll, bytes) },
    bits_per_byte: { value: bitsPerByte(ll, bytes) },
  }
  const metrics = Object.fromEntries(task.metrics.map((metric) => [metric, all[metric]])) as Record<RollingMetric, MetricValue>
  return { task: task.name, taskVersion: task.version, n: items.length, metrics, items }
}

export function evaluateTask<M extends ChoiceMetric>(
  task: MultipleChoiceTask<string, M>,
  scorer: LoglikelihoodScorer,
  options?: EvaluateOptions,
): Promise<TaskResult<M, ChoiceItem>>
export function evaluateTask(task: RollingTask, scorer: LoglikelihoodScorer, options?: EvaluateOptions): Promise<TaskResult<RollingMetric, RollingItem>>
export function evaluateTask(task: Task, scorer: LoglikelihoodScorer, options?: EvaluateOptions): Promise<TaskResult>
export function evaluateTask(task: Task, scorer: LoglikelihoodScorer, options: EvaluateOptions = {}): Promise<TaskResult> {
  const data = options.data ?? dataOptionsFromEnv()
  return task.kind === 'multiple_choice'
    ? evaluateChoiceTask(task, scorer, options, data)
    : evaluateRollingTask(task, scorer, options, data)
}
