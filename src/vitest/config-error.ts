/** The one error for a mistake in what a user declares (plugin options, a study): it lists every problem by its path. */
import type { z } from 'zod'

export interface ConfigProblem {
  /** Dotted path of the field, e.g. `models.1.source`; for the whole object, e.g. `(study)`. */
  readonly path: string
  readonly message: string
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'

  constructor(
    /** Who declared it, e.g. `lmscale()` or `defineStudy("fixtures")`. */
    readonly subject: string,
    /** What was declared, e.g. `plugin options` or `study`. */
    readonly what: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${subject}: invalid ${what}\n${problems.map(p => `  ${p.path}: ${p.message}`).join('\n')}`)
  }
}

/** A value as a user wrote it: NaN and Infinity stay visible (JSON would print null). */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value)
  if (typeof value === 'function') return 'a function'
  const marker = '\u2063'
  const text = JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${marker}${v}${marker}` : v)).replace(
    new RegExp(`"${marker}(.*?)${marker}"`, 'g'),
    '$1',
  )
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Zod's issues as problems, each with the value it rejected (parse with `reportInput: true`). */
export function zodProblems(error: z.ZodError, whole: string): ConfigProblem[] {
  return error.issues.map(issue => ({
    path: issue.path.length ? issue.path.join('.') : whole,
    message: 'input' in issue && issue.code !== 'unrecognized_keys' ? `${issue.message} (got ${describeValue(issue.input)})` : issue.message,
  }))
}
