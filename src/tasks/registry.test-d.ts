import { expectTypeOf, test } from 'vitest'
import type { DefaultTasks } from '../vitest/default-executor.ts'
import { getTask, tasks, type TaskMetrics } from './registry.ts'

test('an unknown task name is a compile error', () => {
  // @ts-expect-error 'mmlu' is not a registered task
  getTask('mmlu')
  // @ts-expect-error neither is a misspelling
  void tasks.arc_eazy
})

test('task metric names are typed per task, matching the harness catalog', () => {
  expectTypeOf<TaskMetrics['boolq']>().toEqualTypeOf<'acc'>()
  expectTypeOf<TaskMetrics['hellaswag']>().toEqualTypeOf<'acc' | 'acc_norm'>()
  expectTypeOf<TaskMetrics>().toEqualTypeOf<{ readonly [N in keyof TaskMetrics]: DefaultTasks[N] }>()
  expectTypeOf<DefaultTasks['brown_heldout_ppl']>().toEqualTypeOf<'perplexity' | 'nll' | 'bits_per_byte'>()
})
