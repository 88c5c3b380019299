import { expectTypeOf, test } from 'vitest'
import type { DefaultTasks } from './default-executor.ts'
import { tasks, type TaskMetrics } from '../tasks/registry.ts'

test('an unknown task name is a compile error', () => {
  // @ts-expect-error 'mmlu' is not a registered task
  void tasks.mmlu
  // @ts-expect-error neither is a misspelling
  void tasks.arc_eazy
})

test('task metric names are typed per task, matching the harness catalog', () => {
  type Scores = 'gold_prob' | 'gold_margin' | 'brier' | 'gold_ll_per_token'
  expectTypeOf<TaskMetrics['boolq']>().toEqualTypeOf<'acc' | Scores>()
  expectTypeOf<TaskMetrics['hellaswag']>().toEqualTypeOf<'acc' | 'acc_norm' | Scores>()
  expectTypeOf<TaskMetrics>().toEqualTypeOf<{ readonly [N in keyof TaskMetrics]: DefaultTasks[N] }>()
  expectTypeOf<DefaultTasks['brown_heldout_ppl']>().toEqualTypeOf<'perplexity' | 'nll' | 'bits_per_byte'>()
  expectTypeOf<DefaultTasks['wikitext']>().toEqualTypeOf<'word_perplexity' | 'byte_perplexity' | 'bits_per_byte'>()
})
