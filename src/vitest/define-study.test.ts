import { describe, expect, test } from 'vitest'
import type { CaseExecutor, TaskCatalog } from '../core/executor.ts'
import { planStudy } from './define-study.ts'
import type { StudyDefinition } from './study-types.ts'

const executor = {
  tasks: {
    mc: { metrics: { acc: {}, acc_norm: {} } },
    ppl: { metrics: { word_perplexity: {} } },
    window: { metrics: { perplexity: { kind: 'perplexity', unit: 'token' } }, options: { window: 1024, stride: 512 } },
    chunks: { metrics: { perplexity: { kind: 'perplexity', unit: 'token' }, nll: { kind: 'nll', unit: 'token' } } },
    words: { metrics: { word_perplexity: { kind: 'perplexity', unit: 'word' } } },
    fidelity: { kind: 'fidelity', metrics: { kl_mean: { kind: 'divergence' } }, options: { window: 512, chunk: 64 } },
  },
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
    expect(() => planStudy({ ...base, tasks: ['mc', 'nope'] })).toThrow(
      'defineStudy("demo"): invalid study\n  tasks.1: unknown task "nope"; known: mc, ppl, window, chunks, words',
    )
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
    // A declared family (fixtureModels gives one) is part of a model; an empty one is a mistake.
    expect(planStudy({ ...base, models: [{ name: 'a', source: 'x', family: 'pythia' }] })[0]!.model.family).toBe('pythia')
    expect(() => planStudy({ ...base, models: [{ name: 'a', source: 'x', family: ' ' }] })).toThrow('models.0.family: must be a non-empty name')
  })
})

describe('per-task options and per-model settings', () => {
  test('non-default task options name the case (and so its file and baseline key); defaults do not', () => {
    const cases = planStudy({
      ...base,
      models: [{ name: 'a', source: 'dir/a' }],
      tasks: ['window', { task: 'window', window: 512, stride: 256 }, { task: 'window', window: 1024, stride: 256 }],
    } as never)
    expect(cases.map(c => c.meta.task)).toEqual(['window', 'window(window=512,stride=256)', 'window(stride=256)'])
    expect(cases.map(c => [c.task, c.taskOptions])).toEqual([
      ['window', {}],
      ['window', { window: 512, stride: 256 }],
      ['window', { stride: 256 }],
    ])
  })

  test('a repeated task, an unknown option or a bad value is a ConfigError naming the task and option', () => {
    const plan = (tasks: unknown[]) => () => planStudy({ ...base, tasks } as never)
    expect(plan(['window', { task: 'window', stride: 512 }])).toThrow('tasks.1: task "window" appears twice')
    expect(plan([{ task: 'window', widow: 512 }])).toThrow(
      'defineStudy("demo"): invalid study\n  tasks.0.widow: task "window" has no option `widow` (it takes window, stride)',
    )
    expect(plan([{ task: 'mc', window: 512 }])).toThrow('tasks.0.window: task "mc" has no option `window` (it takes none)')
    expect(plan([{ task: 'window', window: 0 }])).toThrow('tasks.0.window: task "window" option `window` must be a positive integer, got 0')
    expect(plan([{ task: 'window', stride: 1.5 }])).toThrow(expect.objectContaining({ name: 'ConfigError' }))
  })

  test('per-model settings are validated with the model and option named, and separate the model pool', () => {
    const models = (model: object) => () => planStudy({ ...base, models: [{ name: 'a', source: 'x', ...model }] } as never)
    expect(models({ maxLength: 0 })).toThrow('defineStudy("demo"): invalid study\n  models.0.maxLength: Too small')
    expect(models({ bos: 'always' })).toThrow('models.0.bos: ')
    expect(models({ batchSize: 2.5 })).toThrow('models.0.batchSize: ')
    expect(models({ device: 'tpu' })).toThrow(expect.objectContaining({ name: 'ConfigError' }))
    expect(() => planStudy({ ...base, allowFallback: 'yes' } as never)).toThrow('defineStudy("demo"): invalid study\n  allowFallback: ')
    expect(() => planStudy({ ...base, lmEval: '0.4.10' } as never)).toThrow('defineStudy("demo"): invalid study\n  lmEval: ')
    expect(models({ lmEval: '0.4' })).toThrow('models.0.lmEval: ')
    // The study's lm-eval version is each model's default; a model's own wins.
    const versions = planStudy({
      ...base,
      lmEval: '0.4.9',
      models: [
        { name: 'a', source: 'x' },
        { name: 'b', source: 'x', lmEval: '0.4.13' },
      ],
    })
    expect(versions.map(c => `${c.model.name} ${c.model.lmEval}`)).toEqual(['a 0.4.9', 'a 0.4.9', 'b 0.4.13', 'b 0.4.13'])
    const cases = planStudy({
      ...base,
      models: [
        { name: 'a', source: 'x', maxLength: 512 },
        { name: 'b', source: 'x', maxLength: 1024 },
      ],
    })
    expect(cases[0]!.meta.poolKey).not.toBe(cases[2]!.meta.poolKey)
  })
})

describe("the scaling fit's loss", () => {
  const scalingOf = (study: object) => planStudy({ ...base, ...study } as never)[0]!.meta.scaling
  test("default: the first task in the study's order with a per-token perplexity, else per word", () => {
    expect(scalingOf({ tasks: ['words', 'chunks', 'window'] })).toEqual({ task: 'chunks', metric: 'perplexity' })
    expect(scalingOf({ tasks: ['words', { task: 'window', window: 512 }, 'chunks'] })).toEqual({ task: 'window(window=512)', metric: 'perplexity' })
    expect(scalingOf({ tasks: ['mc', 'words'] })).toEqual({ task: 'words', metric: 'word_perplexity' })
    expect(scalingOf({ tasks: ['mc'] })).toBeUndefined()
  })

  test('a named task and metric win; a task outside the study or a metric that is no perplexity is an error', () => {
    expect(scalingOf({ tasks: ['chunks', 'window'], scaling: { task: 'window', metric: 'perplexity' } })).toEqual({ task: 'window', metric: 'perplexity' })
    expect(() => scalingOf({ tasks: ['chunks'], scaling: { task: 'window', metric: 'perplexity' } })).toThrow(
      'defineStudy("demo"): invalid study\n  scaling.task: "window" is not in `tasks` (chunks)',
    )
    expect(() => scalingOf({ tasks: ['chunks'], scaling: { task: 'chunks', metric: 'nll' } })).toThrow(
      'scaling.metric: "nll" is not a perplexity of chunks (it has perplexity)',
    )
  })

  test('`predict` names sizes for the law to predict at; the case records them; a bad size or a study without a perplexity is an error naming the field', () => {
    expect(scalingOf({ tasks: ['chunks'], predict: [3e9] })).toEqual({ task: 'chunks', metric: 'perplexity', predict: [3e9] })
    expect(() => scalingOf({ tasks: ['chunks'], predict: [3e9, -1] })).toThrow('predict.1: must be a positive parameter count, e.g. 3e9')
    expect(() => scalingOf({ tasks: ['chunks'], predict: [] })).toThrow('predict: is empty; name at least one size or leave it out')
    expect(() => scalingOf({ tasks: ['mc'], predict: [3e9] })).toThrow(
      'predict: needs a task that reports a perplexity: the prediction comes from the scaling law fitted to it',
    )
  })
})

describe('fidelity cases', () => {
  const models = [
    { name: 'q8', source: 'x', dtype: 'q8', reference: 'fp32' },
    { name: 'fp32', source: 'x' },
    { name: 'other', source: 'y' },
    { name: 'q4', source: 'x', dtype: 'q4', reference: 'fp32' },
  ] as const
  const plan = (study: object) => planStudy({ ...base, ...study } as never)

  test('run for the models that declare a reference, each right after its reference, carrying its pool key', () => {
    const cases = plan({ models, tasks: ['mc', 'fidelity'] })
    expect(cases.map(c => `${c.model.name}/${c.task}`)).toEqual(['fp32/mc', 'q8/mc', 'q8/fidelity', 'q4/mc', 'q4/fidelity', 'other/mc'])
    const fidelity = cases.find(c => c.model.name === 'q8' && c.task === 'fidelity')!
    expect(fidelity.reference?.name).toBe('fp32')
    expect(fidelity.meta.reference).toEqual({ model: 'fp32', poolKey: cases[0]!.meta.poolKey })
    expect(cases.find(c => c.model.name === 'q8' && c.task === 'mc')!.meta.reference).toBeUndefined()
  })

  test('a reference-only model has no cases of its own, but is still the reference of its models', () => {
    const cases = plan({ models: models.map(m => (m.name === 'fp32' ? { ...m, referenceOnly: true } : m)), tasks: ['mc', 'fidelity'] })
    expect(cases.map(c => `${c.model.name}/${c.task}`)).toEqual(['q8/mc', 'q8/fidelity', 'q4/mc', 'q4/fidelity', 'other/mc'])
    expect(cases[1]!.reference?.name).toBe('fp32')
    expect(() => plan({ models: [...models, { name: 'spare', source: 'z', referenceOnly: true }], tasks: ['fidelity'] })).toThrow(
      'models.4.referenceOnly: model "spare" is reference-only, but no model names it as its `reference`',
    )
  })

  test('an unknown, self or chained reference, a reference without a fidelity task and a fidelity task without one are errors', () => {
    expect(() => plan({ models: [{ name: 'a', source: 'x', reference: 'fp' }], tasks: ['fidelity'] })).toThrow(
      'models.0.reference: names model "fp", which is not in `models` (a)',
    )
    expect(() => plan({ models: [{ name: 'a', source: 'x', reference: 'a' }], tasks: ['fidelity'] })).toThrow(
      'models.0.reference: model "a" names itself as its reference',
    )
    const chain = [
      { name: 'a', source: 'x' },
      { name: 'b', source: 'x', reference: 'a' },
      { name: 'c', source: 'x', reference: 'b' },
    ]
    expect(() => plan({ models: chain, tasks: ['fidelity'] })).toThrow(
      'models.2.reference: names model "b", which has a reference of its own ("a"); a reference is scored alone',
    )
    expect(() => plan({ models, tasks: ['mc'] })).toThrow(
      'models.0.reference: model "q8" declares a reference, but no task in `tasks` is a fidelity task (fidelity)',
    )
    expect(() => plan({ tasks: ['mc', 'fidelity'] })).toThrow(
      "tasks.1: fidelity scores a model against its reference, but no model declares a `reference` (another model's name)",
    )
  })
})
