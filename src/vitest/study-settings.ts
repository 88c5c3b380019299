/**
 * Validation of a study's per-model settings (device, threads, BOS policy, max length, batch size, lm-eval version)
 * and per-task options, at definition time, with errors that name the study, the model or task, and the option.
 * Kept apart from the schema of the study's other fields so that each can grow on its own.
 */
import { z } from 'zod'
import type { TaskInfo } from '../core/task-info.ts'

export class StudySettingError extends Error {
  override name = 'StudySettingError'
}

const positiveInteger = z.number().int().positive()

/** The per-model settings this module owns; the model's other fields (name, source, revision, dtype, specialTokens) are checked elsewhere. */
export const modelSettingsSchema = z.object({
  device: z.enum(['cpu', 'cuda']).optional(),
  threads: positiveInteger.optional(),
  lmEval: z.enum(['0.4.13', '0.4.9']).optional(),
  bos: z.enum(['none', 'tokenizer']).optional(),
  maxLength: positiveInteger.optional(),
  batchSize: positiveInteger.optional(),
})

/** Study-level settings this module owns. */
export const studySettingsSchema = z.object({
  allowFallback: z.boolean().optional(),
  lmEval: z.enum(['0.4.13', '0.4.9']).optional(),
})

export function checkModelSettings(where: string, model: { readonly name: string }): void {
  const parsed = modelSettingsSchema.safeParse(model)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new StudySettingError(`${where}: model ${JSON.stringify(model.name)} option \`${issue.path.join('.')}\`: ${issue.message}`)
  }
}

export function checkStudySettings(where: string, study: object): void {
  const parsed = studySettingsSchema.safeParse(study)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new StudySettingError(`${where}: option \`${issue.path.join('.')}\`: ${issue.message}`)
  }
}

/** A study's task entry (a name, or `{ task, ...options }`) → its name and the options that differ from the task's defaults. */
export function resolveTaskEntry(
  where: string,
  entry: string | { readonly task: string },
  info: TaskInfo | undefined,
): { task: string; options: Record<string, number> } {
  if (typeof entry === 'string') return { task: entry, options: {} }
  const { task, ...given } = entry as { readonly task: string } & Record<string, unknown>
  const declared = info?.options ?? {}
  const options: Record<string, number> = {}
  for (const [option, value] of Object.entries(given)) {
    if (!(option in declared)) {
      const known = Object.keys(declared)
      throw new StudySettingError(
        `${where}: task ${JSON.stringify(task)} has no option \`${option}\`` + (known.length ? ` (it takes ${known.join(', ')})` : ' (it takes none)'),
      )
    }
    if (!positiveInteger.safeParse(value).success) {
      throw new StudySettingError(`${where}: task ${JSON.stringify(task)} option \`${option}\` must be a positive integer, got ${JSON.stringify(value)}`)
    }
    if (value !== declared[option]) options[option] = value as number
  }
  return { task, options }
}
