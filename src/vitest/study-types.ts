/** What a study declares (models × tasks × bands) and what each of its cases sees. */
import type { Band } from '../core/schema.ts'
import type { CaseExecutor, Device, Dtype, LmEvalVersion, ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { ThroughputOptions } from './throughput.ts'
import type { CaseMeta } from './types.ts'
import type { TaskOptions } from '../tasks/registry.ts'

/** The options a task takes in a study: lmscale's own tasks declare theirs (a window's size and stride, …); others take none. */
export type OptionsOfTask<K extends string> = K extends keyof TaskOptions ? TaskOptions[K] : Record<never, never>

/** A task with options, e.g. `{ task: 'wikitext2_sliding', window: 512, stride: 256 }`. */
export type TaskWithOptions<T extends string> = { [K in T]: { readonly task: K } & OptionsOfTask<K> }[T]

/** A study's task: its name, or its name with options. */
export type StudyTask<T extends string> = T | TaskWithOptions<T>

/** Per task, per metric that task reports: the expected band. */
export type TaskBands<Tasks extends TaskCatalog, T extends keyof Tasks & string> = {
  readonly [task in T]?: { readonly [metric in Tasks[task]]?: Band }
}

export interface StudyDefinition<Tasks extends TaskCatalog, M extends string, T extends keyof Tasks & string> {
  /** Names the study in reports and in its case files. */
  readonly name: string
  readonly models: readonly ModelSpec<M>[]
  /** Task names, or `{ task, ...options }` for a task with non-default options (the case name then shows them). */
  readonly tasks: readonly StudyTask<T>[]
  // NoInfer: bands must not take part in inferring the tasks, or a band on a metric outside them widens the catalog.
  /** Keyed by model name; `'*'` applies to every model and a model's own entry overrides it metric by metric. */
  readonly bands?: { readonly [model in M | '*']?: TaskBands<Tasks, NoInfer<T>> }
  /**
   * The task and perplexity metric the scaling fit uses as its loss. Default: the first task in `tasks` that
   * reports a per-token perplexity (then per word, then per byte), e.g. `wikitext2_sliding perplexity`.
   */
  readonly scaling?: NoInfer<{ [K in T]: { readonly task: K; readonly metric: Tasks[K] } }[T]>
  /** The lm-eval version whose request encoding every model follows unless it names its own (default '0.4.13'). */
  readonly lmEval?: LmEvalVersion
  readonly device?: Device
  /** On `device: 'cuda'` without a working CUDA provider, run on CPU and record `environment.providerFallback` instead of failing. */
  readonly allowFallback?: boolean
  readonly dtype?: Dtype
  readonly threads?: number
  /** lm-eval's `limit`: only the first N documents of each task. */
  readonly limit?: number
  /** tinybench settings for the throughput phase, or false to skip it. */
  readonly throughput?: ThroughputOptions | false
  /** Per-case timeout in ms (default 30 minutes; 0 for none). */
  readonly timeout?: number
  /** Runs the cases; the default is lmscale's own evaluation (see default-executor.ts). */
  readonly executor?: CaseExecutor<Tasks>
}

/** A study after validation, as each case sees it. */
export interface StudyCase {
  readonly study: StudyDefinition<TaskCatalog, string, string>
  readonly model: ModelSpec
  /** The executor's task name. */
  readonly task: string
  /** The study's non-default options for it (empty for the defaults). */
  readonly taskOptions: Readonly<Record<string, number>>
  /** meta.task is the task's label: its name, with non-default options, e.g. `wikitext2_sliding(window=512,stride=256)`. */
  readonly meta: CaseMeta
}

export function caseName(model: string, task: string): string {
  return `${model} › ${task}`
}

/** A task's name with its non-default options: case names, case files and baseline keys use it. */
export function taskLabel(task: string, options: Readonly<Record<string, number>>): string {
  const set = Object.entries(options)
  return set.length ? `${task}(${set.map(([k, v]) => `${k}=${v}`).join(',')})` : task
}
