/**
 * What a study declares (models × tasks × bands), the one schema that checks it when the study is defined, and
 * what each of its cases sees. A new study option goes into both StudyDefinition and studySchema.
 */
import { z } from 'zod'
import { bandSchema, deviceSchema, dtypeSchema } from '../core/schema.ts'
import type { Band } from '../core/schema.ts'
import { bandBounds } from '../core/bands.ts'
import type { CaseExecutor, Device, Dtype, LmEvalVersion, ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { TaskInfo } from '../core/task-info.ts'
import { describeValue } from './config-error.ts'
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
  /**
   * Sizes (total parameters) to predict the scaling law at, e.g. `[3e9]` for the next MobileLLM: report.md gives
   * the predicted loss with a prediction interval and each task's accuracy through its loss → accuracy sigmoid.
   */
  readonly predict?: readonly number[]
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

type AnyStudy = StudyDefinition<TaskCatalog, string, string>

// A refinement, not .trim(): the error shows the value as written.
const nonBlank = (message: string) => z.string().refine(text => text.trim() !== '', message)
const name = nonBlank('must be a non-empty name')
const positiveInteger = z.number().int().positive()

const lmEvalSchema = z.enum(['0.4.13', '0.4.9'])

const modelSchema = z.strictObject({
  name,
  source: nonBlank('must name a local directory or a hub id'),
  revision: nonBlank('must be a commit hash, branch or tag').optional(),
  dtype: dtypeSchema.optional(),
  specialTokens: z.strictObject({ bos: name.optional(), eos: name.optional(), unk: name.optional() }).optional(),
  family: name.optional(),
  device: deviceSchema.optional(),
  threads: positiveInteger.optional(),
  lmEval: lmEvalSchema.optional(),
  bos: z.enum(['none', 'tokenizer']).optional(),
  maxLength: positiveInteger.optional(),
  batchSize: positiveInteger.optional(),
  reference: name.optional(),
  referenceOnly: z.boolean().optional(),
})

/** A task entry as written: its name, or `{ task, ...options }` (the options are checked against the task's declared ones). */
const taskEntrySchema = z.union([name, z.looseObject({ task: name })])
type TaskEntry = z.infer<typeof taskEntrySchema>

export function taskEntryName(entry: TaskEntry): string {
  return typeof entry === 'string' ? entry : entry.task
}

/** A valid task entry's options that differ from the task's defaults: they name the case. */
export function nonDefaultOptions(entry: TaskEntry, info: TaskInfo | undefined): Record<string, number> {
  if (typeof entry === 'string') return {}
  const { task: _task, ...given } = entry as Record<string, unknown>
  const declared = info?.options ?? {}
  return Object.fromEntries(Object.entries(given).filter(([option, value]) => value !== declared[option])) as Record<string, number>
}

/** Problems with a task entry's options, by option: one the task does not declare, or a value that is not a positive integer. */
function taskOptionProblems(entry: TaskEntry, info: TaskInfo | undefined): [option: string, message: string][] {
  if (typeof entry === 'string') return []
  const { task, ...given } = entry as { task: string } & Record<string, unknown>
  const declared = info?.options ?? {}
  const known = Object.keys(declared)
  return Object.entries(given).flatMap(([option, value]): [string, string][] => {
    if (!(option in declared)) {
      return [[option, `task ${JSON.stringify(task)} has no option \`${option}\` (it takes ${known.join(', ') || 'none'})`]]
    }
    if (!positiveInteger.safeParse(value).success) {
      return [[option, `task ${JSON.stringify(task)} option \`${option}\` must be a positive integer, got ${describeValue(value)}`]]
    }
    return []
  })
}

const executorSchema = z.custom<CaseExecutor>(
  value =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CaseExecutor).tasks === 'object' &&
    ['loadModel', 'runCase', 'release'].every(method => typeof (value as unknown as Record<string, unknown>)[method] === 'function'),
  'must be a case executor: tasks, loadModel, runCase and release',
)

/**
 * Checks a study as written, for callers without types too: tasks and bands against the executor's task catalog,
 * or `defaultCatalog()` (lmscale's tasks) when the study brings no executor.
 */
export function studySchema(defaultCatalog: () => Readonly<Record<string, TaskInfo>>) {
  return z
    .strictObject({
      name,
      models: z.array(modelSchema).min(1, 'is empty; list at least one model'),
      tasks: z.array(taskEntrySchema).min(1, 'is empty; list at least one task'),
      bands: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).optional(),
      scaling: z.strictObject({ task: name, metric: name }).optional(),
      predict: z
        .array(z.number().refine(n => Number.isFinite(n) && n > 0, 'must be a positive parameter count, e.g. 3e9'))
        .min(1, 'is empty; name at least one size or leave it out')
        .optional(),
      lmEval: lmEvalSchema.optional(),
      device: deviceSchema.optional(),
      allowFallback: z.boolean().optional(),
      dtype: dtypeSchema.optional(),
      threads: positiveInteger.optional(),
      limit: positiveInteger.optional(),
      throughput: z
        .union([
          z.literal(false),
          z.strictObject({
            time: z.number().positive().optional(),
            iterations: positiveInteger.optional(),
            warmupIterations: z.number().int().nonnegative().optional(),
          }),
        ])
        .optional(),
      timeout: z.number().int().nonnegative().optional(),
      executor: executorSchema.optional(),
    })
    .superRefine((study, context) => {
      const problem = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message })
      const models = study.models.map(m => m.name)
      models.forEach((model, i) => models.indexOf(model) !== i && problem(['models', i, 'name'], `model name ${JSON.stringify(model)} appears twice`))
      const catalog = study.executor?.tasks ?? defaultCatalog()
      const known = Object.keys(catalog).join(', ')
      const taskNames = study.tasks.map(taskEntryName)
      const labels: string[] = []
      study.tasks.forEach((entry, i) => {
        const task = taskEntryName(entry)
        if (!(task in catalog)) return problem(['tasks', i], `unknown task ${JSON.stringify(task)}; known: ${known}`)
        const optionProblems = taskOptionProblems(entry, catalog[task])
        for (const [option, message] of optionProblems) problem(['tasks', i, option], message)
        if (optionProblems.length) return
        const label = taskLabel(task, nonDefaultOptions(entry, catalog[task]))
        if (labels.includes(label)) problem(['tasks', i], `task ${JSON.stringify(label)} appears twice`)
        labels.push(label)
      })
      referenceProblems(study.models, study.tasks.map(taskEntryName), catalog, problem)
      if (study.scaling) {
        const { task, metric } = study.scaling
        const perplexities = Object.entries(catalog[task]?.metrics ?? {}).flatMap(([m, info]) => (info.kind === 'perplexity' ? [m] : []))
        if (!taskNames.includes(task)) problem(['scaling', 'task'], `${JSON.stringify(task)} is not in \`tasks\` (${taskNames.join(', ')})`)
        else if (!perplexities.includes(metric)) {
          problem(['scaling', 'metric'], `${JSON.stringify(metric)} is not a perplexity of ${task} (it has ${perplexities.join(', ') || 'none'})`)
        }
      }
      if (study.predict && !taskNames.some(task => Object.values(catalog[task]?.metrics ?? {}).some(info => info.kind === 'perplexity'))) {
        problem(['predict'], 'needs a task that reports a perplexity: the prediction comes from the scaling law fitted to it')
      }
      for (const [model, byTask] of Object.entries(study.bands ?? {})) {
        if (model !== '*' && !models.includes(model)) {
          problem(['bands', model], `names model ${JSON.stringify(model)}, which is not in \`models\` (${models.join(', ')})`)
        }
        for (const [task, byMetric] of Object.entries(byTask)) {
          if (!taskNames.includes(task)) {
            problem(['bands', model, task], `names task ${JSON.stringify(task)}, which is not in \`tasks\` (${taskNames.join(', ')})`)
            continue
          }
          const metrics = Object.keys(catalog[task]?.metrics ?? {})
          for (const [metric, band] of Object.entries(byMetric)) {
            const path = ['bands', model, task, metric]
            if (band === undefined) continue
            if (!metrics.includes(metric)) problem(path, `task ${task} has no metric ${JSON.stringify(metric)} (it reports ${metrics.join(', ')})`)
            const parsed = bandSchema.safeParse(band)
            if (!parsed.success) {
              problem(path, `${describeValue(band)} is not a band; use {min, max}, {min}, {max} or {near, relative} with finite numbers`)
              continue
            }
            const { min, max } = bandBounds(parsed.data)
            if (min > max) problem(path, `min ${min} is greater than max ${max}; no value could pass`)
          }
        }
      }
    })
}

/**
 * Fidelity tasks run for the models that declare a reference: the reference must be another model of the study that
 * is scored alone (so a case needs two loaded models, never more), and a reference needs a fidelity task to run.
 */
function referenceProblems(
  models: readonly { readonly name: string; readonly reference?: string | undefined; readonly referenceOnly?: boolean | undefined }[],
  tasks: readonly string[],
  catalog: Readonly<Record<string, TaskInfo>>,
  problem: (path: (string | number)[], message: string) => void,
): void {
  const names = models.map(m => m.name)
  const fidelityTasks = Object.keys(catalog).filter(task => catalog[task]!.kind === 'fidelity')
  const listed = tasks.filter(task => fidelityTasks.includes(task))
  models.forEach((model, i) => {
    const reference = model.reference
    if (model.referenceOnly && !models.some(m => m.reference === model.name)) {
      problem(['models', i, 'referenceOnly'], `model ${JSON.stringify(model.name)} is reference-only, but no model names it as its \`reference\``)
    }
    if (reference === undefined) return
    const path = ['models', i, 'reference']
    const target = models.find(m => m.name === reference)
    if (reference === model.name) problem(path, `model ${JSON.stringify(model.name)} names itself as its reference`)
    else if (!target) problem(path, `names model ${JSON.stringify(reference)}, which is not in \`models\` (${names.join(', ')})`)
    else if (target.reference !== undefined) {
      problem(
        path,
        `names model ${JSON.stringify(reference)}, which has a reference of its own (${JSON.stringify(target.reference)}); a reference is scored alone`,
      )
    }
    if (!listed.length) {
      problem(
        path,
        `model ${JSON.stringify(model.name)} declares a reference, but no task in \`tasks\` is a fidelity task (${fidelityTasks.join(', ') || 'the executor has none'})`,
      )
    }
  })
  if (listed.length && models.every(m => m.reference === undefined)) {
    const i = tasks.indexOf(listed[0]!)
    problem(['tasks', i], `${listed[0]} scores a model against its reference, but no model declares a \`reference\` (another model's name)`)
  }
}

/** A study after validation, as each case sees it. */
export interface StudyCase {
  readonly study: AnyStudy
  readonly model: ModelSpec
  /** A fidelity case's reference model (the model's `reference`); absent for every other case. */
  readonly reference?: ModelSpec
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
