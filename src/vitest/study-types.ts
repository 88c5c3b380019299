/**
 * What a study declares (models × tasks × bands), the one schema that checks it when the study is defined, and
 * what each of its cases sees. A new study option goes into both StudyDefinition and studySchema.
 */
import { z } from 'zod'
import { bandSchema, deviceSchema, dtypeSchema } from '../core/schema.ts'
import type { Band } from '../core/schema.ts'
import { bandBounds } from '../core/bands.ts'
import type { CaseExecutor, Device, Dtype, ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { TaskInfo } from '../core/task-info.ts'
import { describeValue } from './config-error.ts'
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

const modelSchema = z.strictObject({
  name,
  source: nonBlank('must name a local directory or a hub id'),
  revision: nonBlank('must be a commit hash, branch or tag').optional(),
  dtype: dtypeSchema.optional(),
  specialTokens: z.strictObject({ bos: name.optional(), eos: name.optional(), unk: name.optional() }).optional(),
  family: name.optional(),
})

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
      tasks: z.array(name).min(1, 'is empty; list at least one task'),
      bands: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))).optional(),
      device: deviceSchema.optional(),
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
      study.tasks.forEach((task, i) => study.tasks.indexOf(task) !== i && problem(['tasks', i], `task ${JSON.stringify(task)} appears twice`))
      const catalog = study.executor?.tasks ?? defaultCatalog()
      const known = Object.keys(catalog).join(', ')
      study.tasks.forEach((task, i) => !(task in catalog) && problem(['tasks', i], `unknown task ${JSON.stringify(task)}; known: ${known}`))
      for (const [model, byTask] of Object.entries(study.bands ?? {})) {
        if (model !== '*' && !models.includes(model)) {
          problem(['bands', model], `names model ${JSON.stringify(model)}, which is not in \`models\` (${models.join(', ')})`)
        }
        for (const [task, byMetric] of Object.entries(byTask)) {
          if (!study.tasks.includes(task)) {
            problem(['bands', model, task], `names task ${JSON.stringify(task)}, which is not in \`tasks\` (${study.tasks.join(', ')})`)
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

/** A study after validation, as each case sees it. */
export interface StudyCase {
  readonly study: AnyStudy
  readonly model: ModelSpec
  readonly task: string
  readonly meta: CaseMeta
}

export function caseName(model: string, task: string): string {
  return `${model} › ${task}`
}
