/**
 * One (model, task) case: the task's documents or text through a LanguageModel, to metrics and per-item
 * records. The Vitest harness calls this through its executor seam; nothing here knows about Vitest.
 */
import { dataOptionsFromEnv, type DataOptions } from '../data/data-options.ts'
import type { LanguageModel } from '../models/language-model.ts'
import { brownNextWord, brownWordOrder } from '../tasks/brown-tasks.ts'
import { tasks as lmEvalTasks } from '../tasks/registry.ts'
import type { Task } from '../tasks/task-types.ts'
import { brownHeldOutPerplexity, wikitext2Chunks, wikitext2Sliding, type TokenPerplexityTask } from '../tasks/token-perplexity-tasks.ts'
import { evaluateTask, type ChoiceItem, type MetricValue, type RollingItem } from './evaluate-task.ts'
import { fixedChunkPlan, slidingWindowPlan } from './windows.ts'

/** Every task a study can name: lm-eval's, the token-perplexity methods, and the Brown fixture tasks. */
export const allTasks = {
  ...lmEvalTasks,
  wikitext2_sliding: wikitext2Sliding,
  wikitext2_chunks: wikitext2Chunks,
  brown_heldout_ppl: brownHeldOutPerplexity,
  brown_next_word: brownNextWord,
  brown_word_order: brownWordOrder,
} as const satisfies Record<string, Task | TokenPerplexityTask>

export type StudyTaskName = keyof typeof allTasks
export type StudyTaskMetrics = { readonly [Name in StudyTaskName]: (typeof allTasks)[Name]['metrics'][number] }

export interface CaseResult {
  readonly taskVersion: string
  readonly n: number
  readonly metrics: Readonly<Record<string, MetricValue>>
  readonly items: readonly (ChoiceItem | RollingItem | TokenPerplexityItem)[]
}

export interface TokenPerplexityItem {
  readonly tokens: number
  readonly nll: number
  readonly bytes: number
}

export interface RunCaseOptions {
  readonly limit?: number
  readonly data?: DataOptions
}

export async function runCase(model: LanguageModel, taskName: StudyTaskName, options: RunCaseOptions = {}): Promise<CaseResult> {
  const task: Task | TokenPerplexityTask = allTasks[taskName]
  const data = options.data ?? dataOptionsFromEnv()
  if (task.kind === 'token_perplexity') return runTokenPerplexity(model, task, data)
  const result = await evaluateTask(task, model, { ...(options.limit === undefined ? {} : { limit: options.limit }), data })
  return { taskVersion: result.taskVersion, n: result.n, metrics: result.metrics, items: result.items }
}

async function runTokenPerplexity(model: LanguageModel, task: TokenPerplexityTask, data: DataOptions): Promise<CaseResult> {
  const window = task.method.type === 'sliding' ? task.method.maxLength : task.method.length
  if (window > model.maxLength) {
    throw new Error(`task ${task.name} needs windows of ${window} tokens but model ${model.id} has a maximum length of ${model.maxLength}`)
  }
  const method = task.method
  const text = await task.loadText(data)
  const result = await model.planPerplexity(text, n =>
    method.type === 'sliding' ? slidingWindowPlan(n, { maxLength: method.maxLength, stride: method.stride }) : fixedChunkPlan(n, method.length),
  )
  return {
    taskVersion: task.version,
    n: result.tokens,
    metrics: { perplexity: { value: result.perplexity }, nll: { value: result.meanNll }, bits_per_byte: { value: result.bitsPerByte } },
    items: [{ tokens: result.tokens, nll: result.nll, bytes: result.bytes }],
  }
}
