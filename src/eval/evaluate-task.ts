/**
 * Runs one task against a scorer: documents (or a text) → requests → log-likelihoods → the metrics the task
 * declares, plus typed per-item records (the baselines' paired tests read them). The result is plain JSON; the
 * task's version goes with it. Tasks are data to this function: adding a task or a metric never changes it.
 */
import type { CaseItems, ChoiceItem, DataFileRecord, MetricValue, RollingItem, Truncation } from '../core/executor.ts'
import { dataOptionsFromEnv, type DataOptions } from '../hub/hub-options.ts'
import type { LoglikelihoodResult, Scorer } from '../scoring/scorer.ts'
import { mean, meanStderr } from '../tasks/metric-math.ts'
import type { ChoiceDocument, FidelityTask, MultipleChoiceTask, RollingTask, Task, TokenPerplexityTask } from '../tasks/task-types.ts'

export interface TaskResult {
  readonly task: string
  readonly taskVersion: string
  /** Documents evaluated (after `limit`); tokens scored for a token-perplexity task. */
  readonly n: number
  readonly metrics: Readonly<Record<string, MetricValue>>
  readonly items: CaseItems
  /** Left truncation to the scorer's max length (zero for rolling and token-perplexity tasks, whose windows fit by construction). */
  readonly truncation: Truncation
  /** Every dataset file the task read, with its commit and sha256. */
  readonly dataFiles: readonly DataFileRecord[]
}

type Evaluated = Omit<TaskResult, 'dataFiles' | 'truncation'> & { readonly truncation?: Truncation }

const NO_TRUNCATION: Truncation = { requests: 0, tokensDropped: 0, largestDrop: 0 }

function truncationOf(results: readonly LoglikelihoodResult[]): Truncation {
  const cut = results.map(r => r.truncatedTokens).filter(n => n > 0)
  return { requests: cut.length, tokensDropped: cut.reduce((a, b) => a + b, 0), largestDrop: cut.reduce((a, b) => Math.max(a, b), 0) }
}

/** Work done so far, in the scorer's own units, reported as each batch finishes. */
export type EvaluationProgress = (done: number, total: number, unit: 'requests' | 'windows', tokens: number) => void

export interface EvaluateOptions {
  /** lm-eval's `--limit`: only the first N documents, in dataset order. */
  readonly limit?: number
  /** Where dataset files come from; defaults to the environment (HF_* variables, LMSCALE_DATA_DIR). */
  readonly data?: DataOptions
  readonly onProgress?: EvaluationProgress
  /** Told about suspicious input that is still scored (default: console.warn). */
  readonly onWarning?: (message: string) => void
  /** The task's options (e.g. a sliding window's `window` and `stride`); the task's defaults fill the rest. */
  readonly taskOptions?: Readonly<Record<string, number>>
}

/** Tasks one scorer answers alone; a fidelity task also needs a reference model (src/vitest/fidelity-case.ts). */
export type ScorerTask = Exclude<Task, FidelityTask>

export async function evaluateTask(task: ScorerTask, scorer: Scorer, options: EvaluateOptions = {}): Promise<TaskResult> {
  const dataFiles: DataFileRecord[] = []
  const data: DataOptions = { ...(options.data ?? dataOptionsFromEnv()), onFile: file => dataFiles.push(file) }
  const result =
    task.kind === 'multiple_choice'
      ? await evaluateChoiceTask(task, scorer, options, data)
      : task.kind === 'loglikelihood_rolling'
        ? await evaluateRollingTask(task, scorer, options, data)
        : await evaluateTokenPerplexity(task, scorer, options, data)
  return { ...result, truncation: result.truncation ?? NO_TRUNCATION, dataFiles }
}

/** The dataset files a task reads, with their sha256, found (or fetched) as evaluating it would; nothing is scored. */
export async function taskDataFiles(task: Task, options: { readonly data?: DataOptions } = {}): Promise<DataFileRecord[]> {
  const dataFiles: DataFileRecord[] = []
  const data: DataOptions = { ...(options.data ?? dataOptionsFromEnv()), onFile: file => dataFiles.push(file) }
  await (task.kind === 'token_perplexity' || task.kind === 'fidelity' ? task.loadText(data) : task.loadDocuments(data))
  return dataFiles
}

function firstDocuments<T>(documents: readonly T[], limit: number | undefined, task: string): T[] {
  if (limit === undefined) return [...documents]
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit for task ${task} must be a positive integer, got ${limit}`)
  return documents.slice(0, limit)
}

/**
 * Whitespace-only text is scored as lm-eval scores it, but it is almost always a broken dataset row or
 * detokenizer: one warning per task names the documents.
 */
function warnWhitespaceOnly(task: string, what: string, texts: readonly (readonly string[])[], options: EvaluateOptions): void {
  const blank = texts.flatMap((parts, index) => (parts.some(text => text.trim() === '') ? [index] : []))
  if (!blank.length) return
  const shown = blank.slice(0, 10).join(', ') + (blank.length > 10 ? ', …' : '')
  ;(options.onWarning ?? console.warn)(
    `lmscale: task ${task}: ${blank.length} of ${texts.length} documents have whitespace-only ${what} (documents ${shown}); they are scored, but check the dataset`,
  )
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

async function evaluateChoiceTask(task: MultipleChoiceTask, scorer: Scorer, options: EvaluateOptions, data: DataOptions): Promise<Evaluated> {
  const documents = firstDocuments(await task.loadDocuments(data), options.limit, task.name)
  warnWhitespaceOnly(
    task.name,
    'continuations',
    documents.map(doc => doc.requests.map(r => r.continuation)),
    options,
  )
  const progress = options.onProgress
  const results = await scorer.loglikelihood(
    documents.flatMap(doc => doc.requests),
    progress && ((done, total, tokens) => progress(done, total, 'requests', tokens)),
  )
  const metrics = Object.entries(task.metrics)
  const clusters = new Map<string, number>()
  const clusterOf = (doc: ChoiceDocument) => {
    if (doc.cluster === undefined) return {}
    if (!clusters.has(doc.cluster)) clusters.set(doc.cluster, clusters.size)
    return { cluster: clusters.get(doc.cluster)! }
  }
  let offset = 0
  const items = documents.map((doc, index): ChoiceItem => {
    const scored = results.slice(offset, offset + doc.requests.length)
    const ll = scored.map(r => checkFinite(task.name, index, r.logLikelihood))
    const tokens = scored.map(r => r.continuationTokens)
    offset += doc.requests.length
    return {
      gold: doc.gold,
      ll,
      tokens,
      ...clusterOf(doc),
      ...Object.fromEntries(metrics.map(([name, metric]) => [name, metric.perDocument(ll, doc, tokens)])),
    }
  })
  if (offset !== results.length) throw new Error(`task ${task.name}: the scorer returned ${results.length} results for ${offset} requests`)
  return {
    task: task.name,
    taskVersion: task.version,
    n: items.length,
    metrics: Object.fromEntries(metrics.map(([name]) => [name, meanWithStderr(items.map(item => item[name] as number))])),
    items: { kind: 'choice', items },
    truncation: truncationOf(results),
  }
}

async function evaluateRollingTask(task: RollingTask, scorer: Scorer, options: EvaluateOptions, data: DataOptions): Promise<Evaluated> {
  const documents = firstDocuments(await task.loadDocuments(data), options.limit, task.name)
  warnWhitespaceOnly(
    task.name,
    'text',
    documents.map(doc => [doc.text]),
    options,
  )
  const progress = options.onProgress
  const results = await scorer.loglikelihoodRolling(
    documents.map(doc => doc.text),
    progress && ((done, total, tokens) => progress(done, total, 'windows', tokens)),
  )
  if (results.length !== documents.length) {
    throw new Error(`task ${task.name}: the scorer returned ${results.length} results for ${documents.length} documents`)
  }
  const items = documents.map((doc, index): RollingItem => {
    const result = results[index]!
    return { ll: checkFinite(task.name, index, result.logLikelihood), words: doc.words, bytes: doc.bytes, tokens: result.tokens }
  })
  const totals = { logLikelihoods: items.map(item => item.ll), words: items.map(item => item.words), bytes: items.map(item => item.bytes) }
  return {
    task: task.name,
    taskVersion: task.version,
    n: items.length,
    metrics: Object.fromEntries(Object.entries(task.metrics).map(([name, metric]) => [name, { value: metric.corpus(totals) }])),
    items: { kind: 'rolling', items },
  }
}

async function evaluateTokenPerplexity(task: TokenPerplexityTask, scorer: Scorer, options: EvaluateOptions, data: DataOptions): Promise<Evaluated> {
  const progress = options.onProgress
  const text = await task.loadText(data)
  warnWhitespaceOnly(task.name, 'text', [[text]], options)
  const method = task.method({ ...task.options, ...options.taskOptions })
  const totals = await scorer.tokenNll(text, method, progress && ((done, total, tokens) => progress(done, total, 'windows', tokens)))
  if (!Number.isInteger(totals.tokens) || totals.tokens < 1)
    throw new Error(`task ${task.name}: token perplexity needs at least one scored token, got ${totals.tokens}`)
  if (!Number.isInteger(totals.bytes) || totals.bytes < 1)
    throw new Error(`task ${task.name}: bits per byte needs the text's byte count (≥ 1), got ${totals.bytes}`)
  if (!Number.isFinite(totals.nll)) throw new Error(`task ${task.name}: total NLL is ${totals.nll}`)
  return {
    task: task.name,
    taskVersion: task.version,
    n: totals.tokens,
    metrics: Object.fromEntries(Object.entries(task.metrics).map(([name, metric]) => [name, { value: metric.corpus(totals) }])),
    items: { kind: 'token_perplexity', items: totals.windows.map(({ start, tokens, nll }) => ({ start, tokens, nll })) },
  }
}
