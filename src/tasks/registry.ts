/**
 * Every task lmscale ships, by lm-eval name. Indexing with a name literal is type-checked, so an unknown task
 * is a compile error; `taskByName` is for names that arrive as strings at run time.
 */
import { arcChallenge } from './arc-challenge.ts'
import { arcEasy } from './arc-easy.ts'
import { boolq } from './boolq.ts'
import { hellaswag } from './hellaswag.ts'
import { openbookqa } from './openbookqa.ts'
import { piqa } from './piqa.ts'
import { siqa } from './siqa.ts'
import type { Task } from './task-types.ts'
import { wikitext } from './wikitext.ts'
import { winogrande } from './winogrande.ts'

export const tasks = {
  arc_easy: arcEasy,
  arc_challenge: arcChallenge,
  boolq,
  piqa,
  hellaswag,
  winogrande,
  openbookqa,
  siqa,
  wikitext,
} as const satisfies Record<string, Task>

export type TaskName = keyof typeof tasks

/** The metric names each task reports, e.g. `TaskMetrics['boolq']` is `'acc'`. */
export type TaskMetrics = { readonly [Name in TaskName]: (typeof tasks)[Name]['metrics'][number] }

export function getTask<const Name extends TaskName>(name: Name): (typeof tasks)[Name] {
  return tasks[name]
}

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(tasks, name)
}

export function taskByName(name: string): Task {
  if (!isTaskName(name)) throw new Error(`unknown task "${name}"; known tasks: ${Object.keys(tasks).join(', ')}`)
  return tasks[name]
}
