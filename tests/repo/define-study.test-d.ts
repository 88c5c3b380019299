import { describe, expect, expectTypeOf, test } from 'vitest'
import type { TestCase } from 'vitest/node'
import { defineStudy } from '../../src/index.ts'
import type { Band, CaseExecutor, CaseMeta } from '../../src/index.ts'
import { lmscale } from '../../src/vitest/plugin.ts'

declare const executor: CaseExecutor<{ fixture_mc: 'acc' | 'acc_norm'; fixture_ppl: 'word_perplexity' }>
const models = [
  { name: 'small', source: 'fixtures/small' },
  { name: 'large', source: 'fixtures/large' },
] as const

describe('defineStudy types', () => {
  test('a well-formed study compiles', () => {
    defineStudy({
      name: 'ok',
      models,
      tasks: ['fixture_mc', 'fixture_ppl'],
      bands: {
        '*': { fixture_mc: { acc: { min: 0.25 } }, fixture_ppl: { word_perplexity: { near: 30, relative: 0.1 } } },
        large: { fixture_mc: { acc_norm: { min: 0.3, max: 0.9 } } },
      },
      executor,
    })
    defineStudy({ name: 'default tasks', models, tasks: ['arc_easy', 'wikitext'], bands: { '*': { wikitext: { word_perplexity: { max: 40 } } } } })
  })

  test('an unknown task name does not compile', () => {
    // @ts-expect-error 'fixture_nope' is not a task of this executor
    defineStudy({ name: 'x', models, tasks: ['fixture_mc', 'fixture_nope'], executor })
    // @ts-expect-error 'arc_easyy' is not a task lmscale knows
    defineStudy({ name: 'x', models, tasks: ['arc_easyy'] })
  })

  test('a band with the wrong shape does not compile', () => {
    // @ts-expect-error a bound must be a number
    defineStudy({ name: 'x', models, tasks: ['fixture_mc'], executor, bands: { '*': { fixture_mc: { acc: { min: '0.5' } } } } })
    // @ts-expect-error `lo` is not a band field
    defineStudy({ name: 'x', models, tasks: ['fixture_mc'], executor, bands: { '*': { fixture_mc: { acc: { lo: 0.5 } } } } })
    // @ts-expect-error a band needs at least one bound
    defineStudy({ name: 'x', models, tasks: ['fixture_mc'], executor, bands: { '*': { fixture_mc: { acc: {} } } } })
    // @ts-expect-error a relative band needs its tolerance
    defineStudy({ name: 'x', models, tasks: ['fixture_ppl'], executor, bands: { '*': { fixture_ppl: { word_perplexity: { near: 30 } } } } })
  })

  test('bands on a metric, task or model outside the study do not compile', () => {
    // @ts-expect-error fixture_mc reports acc and acc_norm, not word_perplexity
    defineStudy({ name: 'x', models, tasks: ['fixture_mc'], executor, bands: { '*': { fixture_mc: { word_perplexity: { max: 3 } } } } })
    // @ts-expect-error fixture_ppl is not among this study's tasks
    defineStudy({ name: 'x', models, tasks: ['fixture_mc'], executor, bands: { '*': { fixture_ppl: { word_perplexity: { max: 3 } } } } })
    // @ts-expect-error 'medium' is not one of the study's models
    defineStudy({ name: 'x', models, tasks: ['fixture_mc'], executor, bands: { medium: { fixture_mc: { acc: { min: 0 } } } } })
  })

  test('plugin options are typed', () => {
    lmscale({ reportsDir: 'out', device: 'cuda', dtype: 'fp16', threads: 2, resume: true, update: false })
    // @ts-expect-error misspelled option
    lmscale({ reportDir: 'out' })
    // @ts-expect-error unknown device
    lmscale({ device: 'gpu' })
  })

  test('matchers and task meta are typed', () => {
    expectTypeOf(expect(0.5).toBeWithinBand).parameters.toEqualTypeOf<[Band]>()
    expectTypeOf(expect(0.5).toBeWithinRelative).parameters.toEqualTypeOf<[number, number]>()
    expectTypeOf(expect.toBeWithinBand).toBeFunction()
    // @ts-expect-error the band is one object, not two numbers
    expect(0.5).toBeWithinBand(0, 1)
    expectTypeOf<ReturnType<TestCase['meta']>['lmscale']>().toEqualTypeOf<CaseMeta | undefined>()
  })
})
