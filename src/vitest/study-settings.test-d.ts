import { test } from 'vitest'
import type { DefaultTasks } from './default-executor.ts'
import type { StudyDefinition } from './study-types.ts'

// Only checked by the type checker: each @ts-expect-error line must fail to compile.
type Study<T extends keyof DefaultTasks & string> = StudyDefinition<DefaultTasks, string, T>
const study = <const T extends keyof DefaultTasks & string>(definition: Study<T>) => definition

test('task options are typed per task', () => {
  study({ name: 's', models: [{ name: 'm', source: 'x', maxLength: 512 }], tasks: [{ task: 'wikitext2_sliding', window: 512, stride: 256 }, 'arc_easy'] })
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: [{ task: 'wikitext2_chunks', length: 512 }] })
  // @ts-expect-error a sliding window has no `length`
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: [{ task: 'wikitext2_sliding', length: 512 }] })
  // @ts-expect-error a multiple-choice task takes no options
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: [{ task: 'arc_easy', window: 512 }] })
  // @ts-expect-error an option's value is a number
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: [{ task: 'wikitext2_sliding', window: '512' }] })
  // @ts-expect-error an unknown task, with options too
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: [{ task: 'wikitext3_sliding', window: 512 }] })
})

test('per-model settings are typed', () => {
  study({ name: 's', models: [{ name: 'm', source: 'x', bos: 'none', batchSize: 4, device: 'cpu', threads: 2 }], tasks: ['arc_easy'] })
  // @ts-expect-error the BOS policy is 'none' or 'tokenizer'
  study({ name: 's', models: [{ name: 'm', source: 'x', bos: 'always' }], tasks: ['arc_easy'] })
  // @ts-expect-error maxLength is a number
  study({ name: 's', models: [{ name: 'm', source: 'x', maxLength: '512' }], tasks: ['arc_easy'] })
})

test('predict takes parameter counts', () => {
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: ['wikitext'], predict: [3e9, 7e9] })
  // @ts-expect-error a size is a number, not a label
  study({ name: 's', models: [{ name: 'm', source: 'x' }], tasks: ['wikitext'], predict: ['3B'] })
})
