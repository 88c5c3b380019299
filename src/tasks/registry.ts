/**
 * The one task registry: every task lmscale ships, by name — lm-eval's tasks, the token-perplexity methods and
 * the Brown fixture tasks. Indexing with a name literal is type-checked, so an unknown task is a compile error.
 */
import { arcChallenge } from './arc-challenge.ts'
import { arcEasy } from './arc-easy.ts'
import { boolq } from './boolq.ts'
import { brownNextWord, brownWordOrder } from './brown-tasks.ts'
import { brownHeldOutFidelity, wikitext2Fidelity } from './fidelity-tasks.ts'
import { hellaswag } from './hellaswag.ts'
import { openbookqa } from './openbookqa.ts'
import { piqa } from './piqa.ts'
import { sciq } from './sciq.ts'
import { siqa } from './siqa.ts'
import type { Task, TaskOptionsOf } from './task-types.ts'
import { brownHeldOutPerplexity, wikitext2Chunks, wikitext2Sliding } from './token-perplexity-tasks.ts'
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
  sciq,
  wikitext,
  wikitext2_sliding: wikitext2Sliding,
  wikitext2_chunks: wikitext2Chunks,
  brown_heldout_ppl: brownHeldOutPerplexity,
  brown_next_word: brownNextWord,
  brown_word_order: brownWordOrder,
  wikitext2_fidelity: wikitext2Fidelity,
  brown_heldout_fidelity: brownHeldOutFidelity,
} as const satisfies Record<string, Task>

export type TaskName = keyof typeof tasks

/** The metric names each task reports, e.g. `TaskMetrics['boolq']` is `'acc'`. */
export type TaskMetrics = { readonly [Name in TaskName]: keyof (typeof tasks)[Name]['metrics'] & string }

/** The options each task takes, e.g. `TaskOptions['wikitext2_sliding']` is `{ window?: number; stride?: number }`. */
export type TaskOptions = { readonly [Name in TaskName]: TaskOptionsOf<(typeof tasks)[Name]> }

/** Tasks whose documents are the rows of one hub dataset file. */
export type HubTaskName = { [Name in TaskName]: (typeof tasks)[Name] extends { readonly dataset: unknown } ? Name : never }[TaskName]
