import { describe, expect, test } from 'vitest'
import type { CaseExecutor, TaskCatalog } from '../core/executor.ts'
import { planStudy } from './define-study.ts'
import type { StudyDefinition } from './study-types.ts'

const executor = {
  tasks: { mc: { metrics: { acc: {}, acc_norm: {} } }, ppl: { metrics: { word_perplexity: {} } } },
  loadModel: () => Promise.reject(new Error('not loaded in these tests')),
  runCase: () => Promise.reject(new Error('not run in these tests')),
  release: () => {},
} as unknown as CaseExecutor
const base: StudyDefinition<TaskCatalog, string, string> = {
  name: 'demo',
  models: [
    { name: 'a', source: 'dir/a' },
    { name: 'b', source: 'dir/b', dtype: 'q8' },
  ],
  tasks: ['mc', 'ppl'],
  executor,
}

describe('planStudy', () => {
  test('one case per (model, task), with model bands overriding the shared ones metric by metric', () => {
    const cases = planStudy({ ...base, bands: { '*': { mc: { acc: { min: 0.25 }, acc_norm: { min: 0.2 } } }, b: { mc: { acc: { min: 0.5, max: 1 } } } } })
    expect(cases.map(c => `${c.model.name}/${c.task}`)).toEqual(['a/mc', 'a/ppl', 'b/mc', 'b/ppl'])
    expect(cases[0]!.meta.bands).toEqual({ acc: { min: 0.25 }, acc_norm: { min: 0.2 } })
    expect(cases[2]!.meta.bands).toEqual({ acc: { min: 0.5, max: 1 }, acc_norm: { min: 0.2 } })
    expect(cases[1]!.meta.bands).toEqual({})
    // cases of one model share a pool key; different dtypes do not
    expect(cases[0]!.meta.poolKey).toBe(cases[1]!.meta.poolKey)
    expect(cases[0]!.meta.poolKey).not.toBe(cases[2]!.meta.poolKey)
  })

  test('mistakes are errors naming the study and what is wrong', () => {
    expect(() => planStudy({ ...base, tasks: ['mc', 'nope'] })).toThrow('defineStudy("demo"): invalid study\n  tasks.1: unknown task "nope"; known: mc, ppl')
    expect(() =>
      planStudy({
        ...base,
        models: [
          { name: 'a', source: 'x' },
          { name: 'a', source: 'y' },
        ],
      }),
    ).toThrow('models.1.name: model name "a" appears twice')
    expect(() => planStudy({ ...base, bands: { c: {} } })).toThrow('bands.c: names model "c", which is not in `models` (a, b)')
    expect(() => planStudy({ ...base, bands: { '*': { ppl: { acc: { min: 0 } } } } })).toThrow(
      'bands.*.ppl.acc: task ppl has no metric "acc" (it reports word_perplexity)',
    )
    expect(() => planStudy({ ...base, bands: { '*': { mc: { acc: { min: '0.5' } as never } } } })).toThrow(
      'bands.*.mc.acc: {"min":"0.5"} is not a band; use {min, max}, {min}, {max} or {near, relative} with finite numbers',
    )
    expect(() => planStudy({ ...base, tasks: [] })).toThrow('tasks: is empty; list at least one task')
  })
})
