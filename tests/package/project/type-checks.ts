// Compiled with tsc --noEmit against the installed package's declarations: every @ts-expect-error must be
// needed (a user's mistake does not compile) and everything else must compile.
import { expect, expectTypeOf } from 'vitest'
import { defineStudy, fixtureModels } from 'lmscale'
import type { Band, CaseMeta, LmscaleOptions, ResultsDocument } from 'lmscale'
import { lmscale } from 'lmscale/vitest'

const models = fixtureModels(['brown-bigram-xs'])

// @ts-expect-error 'brown_heldout_pp' is not a task lmscale knows
defineStudy({ name: 'x', models, tasks: ['brown_heldout_pp'] })
// @ts-expect-error a bound must be a number
defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { perplexity: { max: '140' } } } } })
// @ts-expect-error `hi` is not a band field
defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { perplexity: { hi: 140 } } } } })
// @ts-expect-error brown_heldout_ppl reports no accuracy
defineStudy({ name: 'x', models, tasks: ['brown_heldout_ppl'], bands: { '*': { brown_heldout_ppl: { acc: { min: 0.3 } } } } })
// @ts-expect-error misspelled plugin option
lmscale({ reportDir: 'out' })
// @ts-expect-error a device lmscale does not have
lmscale({ device: 'gpu' })

lmscale({ reportsDir: 'out', baselinesDir: 'baselines', device: 'cpu', dtype: 'fp32', threads: 2, resume: true, update: false })
expectTypeOf<LmscaleOptions>().toHaveProperty('reportsDir')
expectTypeOf(expect(157.5).toBeWithinBand).parameters.toEqualTypeOf<[Band]>()
// @ts-expect-error a band is one object, not two numbers
expect(157.5).toBeWithinBand(0, 140)
expectTypeOf<ResultsDocument['schemaVersion']>().toBeNumber()
expectTypeOf<CaseMeta['bands']>().toEqualTypeOf<Readonly<Record<string, Band>>>()
