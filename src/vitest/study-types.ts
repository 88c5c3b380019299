/** What a study declares (models × tasks × bands) and what each of its cases sees. */
import type { Band } from '../core/schema.ts'
import type { CaseExecutor, Device, Dtype, ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { ThroughputOptions } from './throughput.ts'
import type { CaseMeta } from './types.ts'

/** Per task, per metric that task reports: the expected band. */
export type TaskBands<Tasks extends TaskCatalog, T extends keyof Tasks & string> = {
  readonly [task in T]?: { readonly [metric in Tasks[task]]?: Band }
}

export interface StudyDefinition<Tasks extends TaskCatalog, M extends string, T extends keyof Tasks & string> {
  /** Names the study in reports and in its case files. */
  readonly name: string
  readonly models: readonly ModelSpec<M>[]
  readonly tasks: readonly T[]
  // NoInfer: bands must not take part in inferring the tasks, or a band on a metric outside them widens the catalog.
  /** Keyed by model name; `'*'` applies to every model and a model's own entry overrides it metric by metric. */
  readonly bands?: { readonly [model in M | '*']?: TaskBands<Tasks, NoInfer<T>> }
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
  readonly task: string
  readonly meta: CaseMeta
}

export function caseName(model: string, task: string): string {
  return `${model} › ${task}`
}
