/**
 * The cross-family hub study as declared (src/families/cross-family-hub.ts, studies/cross-family.bench.ts): what each
 * model declares, that the study passes lmscale's study schema with every per-model field, and plan mode offline.
 * No machine here reaches the hub: the online plan is tested against a stand-in in src/families/hub-study.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { CROSS_FAMILY_MODELS, CROSS_FAMILY_TASKS, crossFamilyStudy } from '../../src/families/cross-family-hub.ts'
import { hubStudySettingsFromEnv } from '../../src/families/hub-study.ts'
import { planStudy } from '../../src/vitest/define-study.ts'
import { runVitest } from '../../test-support/run-vitest.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

describe('the declared models', () => {
  test('four families, each with at least three sizes (its own exponent needs three)', () => {
    const families = [...new Set(CROSS_FAMILY_MODELS.map(m => m.family))]
    expect(families).toEqual(['mobilellm', 'smollm2', 'qwen2.5', 'pythia'])
    for (const family of families) {
      const sizes = CROSS_FAMILY_MODELS.filter(m => m.family === family).map(m => m.nominalParameters)
      expect(new Set(sizes).size, family).toBeGreaterThanOrEqual(3)
    }
  })

  test('exactly the models outside 100M–1.5B say why they are in the study', () => {
    const outside = CROSS_FAMILY_MODELS.filter(m => m.nominalParameters < 100e6 || m.nominalParameters > 1.5e9)
    expect(outside.map(m => m.name)).toEqual(['SmolLM2-1.7B', 'Qwen2.5-3B'])
    expect(CROSS_FAMILY_MODELS.filter(m => m.outOfRange !== undefined)).toEqual(outside)
  })

  test('every model declares its context, BOS policy and family; every revision is an unpinned placeholder', () => {
    for (const m of CROSS_FAMILY_MODELS) {
      expect(m, m.name).toMatchObject({ maxLength: 2048, bos: 'tokenizer', revision: 'main', pinned: false, verified: false })
    }
    expect(CROSS_FAMILY_MODELS.filter(m => m.specialTokens).map(m => m.family)).toEqual(Array(5).fill('mobilellm'))
  })
})

describe('the study', () => {
  test('passes the study schema: every (model, task) case, each model with its declared fields and the dtype it runs', () => {
    const cases = planStudy(crossFamilyStudy(hubStudySettingsFromEnv(CROSS_FAMILY_MODELS, { LMSCALE_DEVICE: 'cuda' })))
    expect(cases).toHaveLength(CROSS_FAMILY_MODELS.length * CROSS_FAMILY_TASKS.length)
    const pythia = cases.find(c => c.model.name === 'pythia-1b')!.model
    expect(pythia).toEqual({
      name: 'pythia-1b',
      source: 'onnx-community/pythia-1b',
      revision: 'main',
      family: 'pythia',
      maxLength: 2048,
      bos: 'tokenizer',
      dtype: 'fp16',
    })
    expect(cases[0]!.meta.scaling).toEqual({ task: 'wikitext', metric: 'word_perplexity' })
  })

  test('plan mode works offline: every case with the files the layout names, the out-of-range notes, no request', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'lmscale-cross-family-plan-'))
    try {
      // An endpoint nothing listens on: an attempted request would fail the run.
      const env = { HF_HUB_OFFLINE: '1', HF_HUB_CACHE: cache, HF_ENDPOINT: 'http://127.0.0.1:9', LMSCALE_DEVICE: 'cuda' }
      const outcome = await runVitest(repoRoot, ['run', '--config', 'vitest.cross-family.config.ts', '--mode', 'plan'], env)
      expect(outcome.code, outcome.output).toBe(0)
      expect(outcome.output).toContain('Qwen2.5-3B × wikitext: onnx-community/Qwen2.5-3B@main (not resolved offline), fp16 on cuda')
      expect(outcome.output).toContain('  out of range: Qwen2.5 has only 0.5B and 1.5B inside 100M–1.5B')
      expect(outcome.output).toContain('  onnx/model_fp16.onnx')
      expect(outcome.output).toContain(`${CROSS_FAMILY_MODELS.length * CROSS_FAMILY_TASKS.length} cases; sizes unknown offline`)
    } finally {
      rmSync(cache, { recursive: true, force: true })
    }
  }, 120_000)
})
