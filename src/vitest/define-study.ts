/** defineStudy: a typed matrix of models × tasks × bands, declared as one Vitest test per (model, task). */
import { describe, test } from 'vitest'
import type { Band } from '../core/schema.ts'
import { caseName, studySchema, type StudyCase, type StudyDefinition } from './study-types.ts'
import { runStudyCase } from './case-run.ts'
import { ConfigError, zodProblems } from './config-error.ts'
import { defaultTaskInfos, type DefaultTasks } from './default-executor.ts'
import type { ModelSpec, TaskCatalog } from '../core/executor.ts'
import type { CaseMeta } from './types.ts'
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
      test(caseName(studyCase.model.name, studyCase.task), { meta: { lmscale: studyCase.meta }, timeout: study.timeout ?? 30 * 60_000 }, context =>
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
  return study.models.flatMap(model =>
    study.tasks.map(task => {
      const meta: CaseMeta = { study: study.name, model: model.name, task, poolKey: poolKey(study, model), bands: bandsFor(study, model.name, task) }
      return { study, model, task, meta }
    }),
  )
}

/** The shared bands of a task, overridden metric by metric by the model's own. */
function bandsFor(study: AnyStudy, model: string, task: string): Record<string, Band> {
  const declared: Record<string, Band | undefined> = { ...study.bands?.['*']?.[task], ...study.bands?.[model]?.[task] }
  return Object.fromEntries(Object.entries(declared).filter((entry): entry is [string, Band] => entry[1] !== undefined))
}

/** Cases that load the same files with the same settings share one loaded model. */
function poolKey(study: AnyStudy, model: ModelSpec): string {
  return JSON.stringify([model.source, model.revision ?? null, model.dtype ?? study.dtype ?? null, study.device ?? null, study.threads ?? null])
}
