/** defineStudy: a typed matrix of models × tasks × bands, declared as one Vitest test per (model, task). */
import { describe, test } from 'vitest'
import type { Band } from '../core/schema.ts'
import { caseName, nonDefaultOptions, studySchema, taskEntryName, taskLabel, type StudyCase, type StudyDefinition } from './study-types.ts'
import { runStudyCase } from './case-run.ts'
import { ConfigError, zodProblems } from './config-error.ts'
import { defaultTaskInfos, type DefaultTasks } from './default-executor.ts'
import type { ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { CaseMeta } from './types.ts'
import type { TaskInfo } from '../core/task-info.ts'
import { activeRuntime } from './runtime.ts'

type AnyStudy = StudyDefinition<TaskCatalog, string, string>

export function defineStudy<
  Tasks extends TaskCatalog = DefaultTasks,
  const M extends string = string,
  const T extends keyof Tasks & string = keyof Tasks & string,
>(study: StudyDefinition<Tasks, M, T>): void {
  const cases = planStudy(study as unknown as AnyStudy)
  activeRuntime().claims.claim(study.name)
  describe(study.name, () => {
    for (const studyCase of cases) {
      test(caseName(studyCase.model.name, studyCase.meta.task), { meta: { lmscale: studyCase.meta }, timeout: study.timeout ?? 30 * 60_000 }, context =>
        runStudyCase(studyCase, context),
      )
    }
  })
}

const checkStudy = studySchema(defaultTaskInfos)

/** Validates a study (for callers without types too: every problem, each named by its field) and lists its cases. */
export function planStudy(study: AnyStudy): StudyCase[] {
  const parsed = checkStudy.safeParse(study, { reportInput: true })
  if (!parsed.success) {
    const label = typeof study?.name === 'string' && study.name.trim() ? JSON.stringify(study.name) : ''
    throw new ConfigError(`defineStudy(${label})`, 'study', zodProblems(parsed.error, '(study)'))
  }
  const catalog: Readonly<Record<string, TaskInfo>> = study.executor?.tasks ?? defaultTaskInfos()
  const tasks = study.tasks.map(entry => {
    const task = taskEntryName(entry)
    const options = nonDefaultOptions(entry, catalog[task])
    return { task, options, label: taskLabel(task, options) }
  })
  const loss = scalingLoss(study.scaling, tasks, catalog)
  const scaling = loss && study.predict ? { ...loss, predict: [...study.predict] } : loss
  // The study's lm-eval version is each model's default.
  const models = study.models.map(model => (study.lmEval && !model.lmEval ? { ...model, lmEval: study.lmEval } : model))
  return inReferenceOrder(models).flatMap(model => {
    if (model.referenceOnly) return []
    const reference = models.find(m => m.name === model.reference)
    // A fidelity task runs for the models that declare a reference, against it.
    const modelTasks = tasks.filter(({ task }) => catalog[task]!.kind !== 'fidelity' || reference)
    return modelTasks.map(({ task, options, label }) => {
      const meta: CaseMeta = {
        study: study.name,
        model: model.name,
        task: label,
        poolKey: poolKey(study, model),
        ...(reference && catalog[task]!.kind === 'fidelity' ? { reference: { model: reference.name, poolKey: poolKey(study, reference) } } : {}),
        bands: bandsFor(study, model.name, task),
        ...(scaling ? { scaling } : {}),
      }
      return { study, model, task, taskOptions: options, meta, ...(meta.reference ? { reference: reference! } : {}) }
    })
  })
}

/**
 * The study's models in its order, except that the models scored against a reference follow it directly: the pool
 * releases each model after its last case, so at most the reference and one of its models are loaded at once.
 */
function inReferenceOrder(models: readonly ModelSpec[]): ModelSpec[] {
  const standalone = models.filter(m => m.reference === undefined)
  return standalone.flatMap(reference => [reference, ...models.filter(m => m.reference === reference.name)])
}

/** The shared bands of a task, overridden metric by metric by the model's own. */
function bandsFor(study: AnyStudy, model: string, task: string): Record<string, Band> {
  const declared: Record<string, Band | undefined> = { ...study.bands?.['*']?.[task], ...study.bands?.[model]?.[task] }
  return Object.fromEntries(Object.entries(declared).filter((entry): entry is [string, Band] => entry[1] !== undefined))
}

const PERPLEXITY_UNITS = ['token', 'word', 'byte'] as const

/**
 * The scaling fit's loss: the study's choice (checked by the schema), else the first task in the study's order that
 * reports a per-token perplexity, then per word, then per byte.
 */
function scalingLoss(
  named: { readonly task: string; readonly metric: string } | undefined,
  tasks: readonly { readonly task: string; readonly label: string }[],
  catalog: Readonly<Record<string, TaskInfo>>,
): { task: string; metric: string } | undefined {
  if (named) return { task: tasks.find(t => t.task === named.task)!.label, metric: named.metric }
  for (const unit of PERPLEXITY_UNITS) {
    for (const entry of tasks) {
      const found = Object.entries(catalog[entry.task]!.metrics).find(([, info]) => info.kind === 'perplexity' && info.unit === unit)
      if (found) return { task: entry.label, metric: found[0] }
    }
  }
  return undefined
}

/** Cases that load the same files with the same settings share one loaded model. */
function poolKey(study: AnyStudy, model: ModelSpec): string {
  // Every model setting but its study name: two names for the same files and settings load once.
  const { name: _name, ...settings } = model
  return JSON.stringify([settings, study.dtype ?? null, study.device ?? null, study.threads ?? null, study.allowFallback ?? false])
}
