/** defineStudy: a typed matrix of models × tasks × bands, declared as one Vitest test per (model, task). */
import { describe, test } from 'vitest'
import { bandSchema } from '../core/schema.ts'
import type { Band } from '../core/schema.ts'
import { caseName, taskLabel, type StudyCase, type StudyDefinition } from './study-types.ts'
import { checkModelSettings, checkStudySettings, resolveTaskEntry, StudySettingError } from './study-settings.ts'
import { defaultTaskInfos } from './default-executor.ts'
import { runStudyCase } from './case-run.ts'
import type { DefaultTasks } from './default-executor.ts'
import type { ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { CaseMeta } from './types.ts'
import type { TaskInfo } from '../core/task-info.ts'

export function defineStudy<
  Tasks extends TaskCatalog = DefaultTasks,
  const M extends string = string,
  const T extends keyof Tasks & string = keyof Tasks & string,
>(study: StudyDefinition<Tasks, M, T>): void {
  const cases = planStudy(study as unknown as StudyDefinition<TaskCatalog, string, string>)
  describe(study.name, () => {
    for (const studyCase of cases) {
      test(caseName(studyCase.model.name, studyCase.meta.task), { meta: { lmscale: studyCase.meta }, timeout: study.timeout ?? 30 * 60_000 }, context =>
        runStudyCase(studyCase, context),
      )
    }
  })
}

/** Validates a study (for callers without types too) and lists its cases with their static meta. */
export function planStudy(study: StudyDefinition<TaskCatalog, string, string>): StudyCase[] {
  const where = `defineStudy(${JSON.stringify(study.name)})`
  if (!study.name) throw new Error('defineStudy: `name` must be a non-empty string')
  if (!study.models.length) throw new Error(`${where}: \`models\` is empty`)
  if (!study.tasks.length) throw new Error(`${where}: \`tasks\` is empty`)
  checkStudySettings(where, study)
  const modelNames = new Set<string>()
  for (const model of study.models) {
    if (!model.name || !model.source) throw new Error(`${where}: every model needs a \`name\` and a \`source\`, got ${JSON.stringify(model)}`)
    if (modelNames.has(model.name)) throw new Error(`${where}: model name ${JSON.stringify(model.name)} appears twice`)
    checkModelSettings(where, model)
    modelNames.add(model.name)
  }
  const catalog: Readonly<Record<string, TaskInfo>> = study.executor?.tasks ?? defaultTaskInfos()
  const tasks = study.tasks.map(entry => {
    const name = typeof entry === 'string' ? entry : entry.task
    if (!(name in catalog)) throw new Error(`${where}: unknown task ${JSON.stringify(name)}; known: ${Object.keys(catalog).join(', ')}`)
    const resolved = resolveTaskEntry(where, entry, catalog[name])
    return { ...resolved, label: taskLabel(resolved.task, resolved.options) }
  })
  if (new Set(tasks.map(t => t.label)).size !== tasks.length) throw new Error(`${where}: \`tasks\` lists a task twice`)
  const scaling = scalingLoss(where, study.scaling, tasks, catalog)
  for (const key of Object.keys(study.bands ?? {})) {
    if (key !== '*' && !modelNames.has(key)) throw new Error(`${where}: bands name model ${JSON.stringify(key)}, which is not in \`models\``)
  }

  // The study's lm-eval version is each model's default.
  const models = study.models.map(model => (study.lmEval && !model.lmEval ? { ...model, lmEval: study.lmEval } : model))
  return models.flatMap(model =>
    tasks.map(({ task, options, label }) => {
      const bands = bandsFor(study, model.name, task, where, Object.keys(catalog[task]!.metrics))
      const meta: CaseMeta = { study: study.name, model: model.name, task: label, poolKey: poolKey(study, model), bands, ...(scaling ? { scaling } : {}) }
      return { study, model, task, taskOptions: options, meta }
    }),
  )
}

function bandsFor(
  study: StudyDefinition<TaskCatalog, string, string>,
  model: string,
  task: string,
  where: string,
  metrics: readonly string[],
): Record<string, Band> {
  const declared: Record<string, Band | undefined> = { ...study.bands?.['*']?.[task], ...study.bands?.[model]?.[task] }
  const merged: Record<string, Band> = {}
  for (const [metric, band] of Object.entries(declared)) {
    if (band === undefined) continue
    const parsed = bandSchema.safeParse(band)
    if (!parsed.success) {
      throw new Error(`${where}: band for ${caseName(model, task)} ${metric} is ${JSON.stringify(band)}; use {min, max}, {min}, {max} or {near, relative}`)
    }
    if (!metrics.includes(metric)) {
      throw new Error(`${where}: task ${task} has no metric ${JSON.stringify(metric)} (it reports ${metrics.join(', ')})`)
    }
    merged[metric] = parsed.data
  }
  return merged
}

const PERPLEXITY_UNITS = ['token', 'word', 'byte'] as const

/**
 * The scaling fit's loss: the study's choice (a perplexity metric of one of its tasks), else the first task in the
 * study's order that reports a per-token perplexity, then per word, then per byte.
 */
function scalingLoss(
  where: string,
  named: { readonly task: string; readonly metric: string } | undefined,
  tasks: readonly { readonly task: string; readonly label: string }[],
  catalog: Readonly<Record<string, TaskInfo>>,
): { task: string; metric: string } | undefined {
  const perplexities = (task: string) => Object.entries(catalog[task]!.metrics).filter(([, info]) => info.kind === 'perplexity')
  if (named) {
    const entry = tasks.find(t => t.task === named.task)
    if (!entry) throw new StudySettingError(`${where}: \`scaling.task\` ${JSON.stringify(named.task)} is not in \`tasks\``)
    const names = perplexities(named.task).map(([metric]) => metric)
    if (!names.includes(named.metric)) {
      throw new StudySettingError(
        `${where}: \`scaling.metric\` ${JSON.stringify(named.metric)} is not a perplexity of ${named.task} (it has ${names.join(', ') || 'none'})`,
      )
    }
    return { task: entry.label, metric: named.metric }
  }
  for (const unit of PERPLEXITY_UNITS) {
    for (const entry of tasks) {
      const found = perplexities(entry.task).find(([, info]) => info.unit === unit)
      if (found) return { task: entry.label, metric: found[0] }
    }
  }
  return undefined
}

/** Cases that load the same files with the same settings share one loaded model. */
function poolKey(study: StudyDefinition<TaskCatalog, string, string>, model: ModelSpec): string {
  // Every model setting but its study name: two names for the same files and settings load once.
  const { name: _name, ...settings } = model
  return JSON.stringify([settings, study.dtype ?? null, study.device ?? null, study.threads ?? null, study.allowFallback ?? false])
}
