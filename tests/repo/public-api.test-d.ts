/**
 * Type tests of what a user imports: only the two public entry points ('lmscale' is src/index.ts,
 * 'lmscale/vitest' is src/vitest/plugin.ts). The same mistakes are compiled against the built declarations in a
 * scratch project by tests/package (type-checks.ts there).
 */
import { describe, expect, expectTypeOf, test } from 'vitest'
import { defineConfig } from 'vitest/config'
import { defineStudy, fixtureModels, resultsSchema } from '../../src/index.ts'
import type { Band, LmscaleOptions, ModelSpec, ResultsDocument } from '../../src/index.ts'
import lmscaleDefault, { lmscale } from '../../src/vitest/plugin.ts'

const models = fixtureModels(['brown-bigram-xs', 'brown-bigram-s'])

describe('studies on lmscale’s own tasks (no executor)', () => {
  test('the study the package test runs compiles', () => {
    expectTypeOf(models).toEqualTypeOf<ModelSpec[]>()
    defineStudy({ name: 'brown', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { perplexity: { max: 140 } } } } })
  })

  test('a band on a metric the task does not report does not compile', () => {
    // @ts-expect-error brown_heldout_ppl reports perplexity, nll and bits_per_byte, not acc
    defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { acc: { min: 0.3 } } } } })
    // @ts-expect-error the same on a model's own entry
    defineStudy({ name: 'x', models: [{ name: 'a', source: 'models/a' }], tasks: ['arc_easy'], bands: { a: { arc_easy: { perplexity: { max: 9 } } } } })
  })

  test('a band on a task outside the study, or on an unknown task, does not compile', () => {
    // @ts-expect-error brown_next_word is a task lmscale knows, but not one of this study's
    defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_next_word: { acc: { min: 0.3 } } } } })
    // @ts-expect-error 'brown_heldout_pp' is not a task lmscale knows
    defineStudy({ name: 'x', models, tasks: ['brown_heldout_pp'] })
  })

  test('a band with the wrong shape does not compile', () => {
    // @ts-expect-error a bound is a number, not a string
    defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { perplexity: { max: '140' } } } } })
    // @ts-expect-error a band is an object, not a number
    defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { perplexity: 140 } } } })
    // @ts-expect-error `relative` needs `near`
    defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { perplexity: { relative: 0.1 } } } } })
  })
})

describe("'lmscale/vitest'", () => {
  test('the plugin is what a Vitest config takes, as named and default export', () => {
    defineConfig({ plugins: [lmscale()] })
    defineConfig({ plugins: [lmscaleDefault({ reportsDir: 'out' })] })
    expectTypeOf(lmscaleDefault).toEqualTypeOf(lmscale)
  })

  test('every documented option is accepted; misspelled or mistyped ones do not compile', () => {
    const all: Required<Pick<LmscaleOptions, 'reportsDir' | 'baselinesDir' | 'device' | 'dtype' | 'threads' | 'resume' | 'update' | 'include'>> = {
      reportsDir: 'reports',
      baselinesDir: 'benchmarks/__baselines__',
      device: 'cpu',
      dtype: 'fp32',
      threads: 2,
      resume: false,
      update: false,
      include: ['benchmarks/**/*.bench.ts'],
    }
    lmscale(all)
    // @ts-expect-error misspelled: reportsDir
    lmscale({ reportDir: 'out' })
    // @ts-expect-error misspelled: baselinesDir
    lmscale({ baselineDir: 'b' })
    // @ts-expect-error threads is a number
    lmscale({ threads: '2' })
    // @ts-expect-error resume is a boolean
    lmscale({ resume: 'yes' })
    // @ts-expect-error dtype is one of fp32, fp16, q8, q4
    lmscale({ dtype: 'int8' })
  })
})

test('the results schema parses to the exported document type, and the matchers are typed', () => {
  expectTypeOf(resultsSchema.parse).returns.toEqualTypeOf<ResultsDocument>()
  expectTypeOf(expect(1).toBeWithinBand).parameters.toEqualTypeOf<[Band]>()
  expectTypeOf(expect.soft(1).not.toBeWithinRelative).parameters.toEqualTypeOf<[number, number]>()
})
