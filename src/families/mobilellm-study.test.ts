import { describe, expect, test } from 'vitest'
import { MOBILELLM_MODELS } from './mobilellm.ts'
import { studyModelSpec } from './hub-study.ts'
import { MOBILELLM_TASKS, mobileLlmBands, mobileLlmFidelityFromEnv, mobileLlmSettingsFromEnv, mobileLlmStudyModels, mobileLlmTasks } from './mobilellm-study.ts'

const byName = (name: string) => MOBILELLM_MODELS.filter(m => m.name === name)

describe('mobileLlmBands', () => {
  test('accuracy: the paper ± (5 points + 3 binomial SE at the task size), hand-computed', () => {
    // 1B hellaswag, paper 61.4%, n = 10042: 0.05 + 3·sqrt(0.614·0.386/10042) = 0.064574 → [0.5494, 0.6786]
    expect(mobileLlmBands(byName('MobileLLM-1B'), 'fp16', undefined)['MobileLLM-1B']!.hellaswag).toEqual({ acc_norm: { min: 0.5494, max: 0.6786 } })
    // 125M openbookqa at q8, paper 39.5%, n = 500: 0.05 + 3·sqrt(0.395·0.605/500) + 0.01 = 0.125586 → [0.2694, 0.5206]
    expect(mobileLlmBands(byName('MobileLLM-125M'), 'q8', undefined)['MobileLLM-125M']!.openbookqa).toEqual({ acc_norm: { min: 0.2694, max: 0.5206 } })
    // 350M winogrande limited to 100 documents, paper 57.6%, acc: 0.05 + 3·sqrt(0.576·0.424/100) = 0.198259 → [0.3777, 0.7743]
    expect(mobileLlmBands(byName('MobileLLM-350M'), 'fp32', 100)['MobileLLM-350M']!.winogrande).toEqual({ acc: { min: 0.3777, max: 0.7743 } })
  })

  test('acc_norm where lm-eval reports it, acc for boolq, siqa, winogrande', () => {
    const bands = mobileLlmBands(byName('MobileLLM-600M'), 'fp32', undefined)['MobileLLM-600M']!
    const metrics = Object.fromEntries(Object.entries(bands).map(([task, b]) => [task, Object.keys(b!)]))
    expect(metrics).toEqual({
      wikitext2_sliding: ['perplexity'],
      arc_easy: ['acc_norm'],
      arc_challenge: ['acc_norm'],
      boolq: ['acc'],
      piqa: ['acc_norm'],
      siqa: ['acc'],
      hellaswag: ['acc_norm'],
      openbookqa: ['acc_norm'],
      winogrande: ['acc'],
    })
  })

  test("perplexity: near the prior study's number, wider for quantised weights; none for 1.5B and none for chunks", () => {
    const all = (dtype: 'fp16' | 'q8' | 'q4') => mobileLlmBands(MOBILELLM_MODELS, dtype, undefined)
    expect(all('fp16')['MobileLLM-125M']!.wikitext2_sliding).toEqual({ perplexity: { near: 11.961319, relative: 0.03 } })
    expect(all('q8')['MobileLLM-1B']!.wikitext2_sliding).toEqual({ perplexity: { near: 7.171037, relative: 0.08 } })
    expect(all('q4')['MobileLLM-600M']!.wikitext2_sliding).toEqual({ perplexity: { near: 7.984185, relative: 0.25 } })
    expect(all('fp16')['MobileLLM-1.5B']!.wikitext2_sliding).toBeUndefined()
    expect(Object.values(all('fp16')).every(b => b.wikitext2_chunks === undefined)).toBe(true)
  })
})

describe('study settings', () => {
  test('every model carries the special-token fix; ten tasks', () => {
    expect(studyModelSpec(MOBILELLM_MODELS[0]!)).toEqual({
      name: 'MobileLLM-125M',
      source: 'onnx-community/MobileLLM-125M',
      revision: 'main',
      specialTokens: { bos: '<s>', eos: '</s>', unk: '<unk>' },
    })
    expect(MOBILELLM_TASKS).toHaveLength(10)
  })

  test('device, dtype, limit and throughput from the environment; bad values named', () => {
    expect(mobileLlmSettingsFromEnv({})).toMatchObject({ device: 'cpu', dtype: 'q8', limit: undefined, throughput: true })
    expect(mobileLlmSettingsFromEnv({ LMSCALE_DEVICE: 'cuda', LMSCALE_LIMIT: '50', LMSCALE_THROUGHPUT: '0' })).toMatchObject({
      device: 'cuda',
      dtype: 'fp16',
      limit: 50,
      throughput: false,
    })
    expect(() => mobileLlmSettingsFromEnv({ LMSCALE_LIMIT: '2.5' })).toThrow('LMSCALE_LIMIT="2.5" is not a positive integer number of documents')
    expect(() => mobileLlmSettingsFromEnv({ LMSCALE_THROUGHPUT: 'off' })).toThrow('LMSCALE_THROUGHPUT="off": use 1 (default) or 0')
  })
})

describe('fidelity cases', () => {
  const settings = (dtype: 'fp32' | 'q8' | 'q4') => ({ ...mobileLlmSettingsFromEnv({ LMSCALE_DTYPE: dtype }), models: byName('MobileLLM-125M') })

  test('at a quantized dtype the model gains its fp32 export as a reference-only model, the fidelity task and its bands', () => {
    const models = mobileLlmStudyModels(settings('q8'), true)
    expect(models.map(studyModelSpec)).toEqual([
      expect.objectContaining({ name: 'MobileLLM-125M-fp32', dtype: 'fp32', referenceOnly: true, source: 'onnx-community/MobileLLM-125M' }),
      expect.objectContaining({ name: 'MobileLLM-125M', reference: 'MobileLLM-125M-fp32', source: 'onnx-community/MobileLLM-125M' }),
    ])
    expect(mobileLlmTasks(models)).toEqual([...MOBILELLM_TASKS, 'wikitext2_fidelity'])
    const bands = mobileLlmBands(models, 'q8', undefined)
    expect(Object.keys(bands)).toEqual(['MobileLLM-125M'])
    expect(bands['MobileLLM-125M']!.wikitext2_fidelity).toEqual({ kl_mean: { max: 0.05 }, top1_agreement: { min: 0.9 }, ppl_ratio: { max: 1.08 } })
    expect(mobileLlmBands(mobileLlmStudyModels(settings('q4'), true), 'q4', undefined)['MobileLLM-125M']!.wikitext2_fidelity!.ppl_ratio).toEqual({ max: 1.25 })
  })

  test('none at fp32 or with LMSCALE_FIDELITY=0; another value is an error', () => {
    expect(mobileLlmTasks(mobileLlmStudyModels(settings('fp32'), true))).toEqual([...MOBILELLM_TASKS])
    expect(mobileLlmStudyModels(settings('q8'), mobileLlmFidelityFromEnv({ LMSCALE_FIDELITY: '0' }))).toEqual(byName('MobileLLM-125M'))
    expect(mobileLlmFidelityFromEnv({})).toBe(true)
    expect(() => mobileLlmFidelityFromEnv({ LMSCALE_FIDELITY: 'yes' })).toThrow('LMSCALE_FIDELITY="yes": use 1 (default) or 0')
  })
})
