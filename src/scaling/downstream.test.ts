import { describe, expect, test } from 'vitest'
import { analyzeDownstream, type DownstreamModel } from './downstream.ts'
import { decoderParameterCounts, MOBILELLM_CONFIGS } from './prior-study.fixture.ts'

// MobileLLM's official 8-task zero-shot averages (reference §1.1): 46.3 / 51.3 / 54.3 / 57.3 / 59.4.
const averages: Record<string, number> = {
  'MobileLLM-125M': 46.3,
  'MobileLLM-350M': 51.3,
  'MobileLLM-600M': 54.3,
  'MobileLLM-1B': 57.3,
  'MobileLLM-1.5B': 59.4,
}
const models: DownstreamModel[] = Object.entries(averages).map(([modelId, avg], i) => ({
  modelId,
  params: { total: decoderParameterCounts(MOBILELLM_CONFIGS[modelId]!).total, nonEmbedding: decoderParameterCounts(MOBILELLM_CONFIGS[modelId]!).nonEmbedding },
  loss: 2.5 - 0.12 * i,
  accuracies: { avg8: { acc: avg / 100, stderr: 0.0046 } },
}))
const options = {
  conventions: ['total', 'nonEmbedding'] as const,
  level: 0.95,
  chanceLevels: { avg8: 0.354 },
  fitSigmoidCeiling: false,
  curvePoints: 5,
  nestedSamples: 50,
  seed: 1,
}

describe('accuracy against log N', () => {
  test("MobileLLM's average gains ≈ 12.2 points per decade of total N with R² 0.999", () => {
    const [task] = analyzeDownstream(models, { ...options, conventions: [...options.conventions] })
    const total = task!.versusLogParams.find(v => v.convention === 'total')!
    expect(total.accuracyPerDecade.estimate * 100).toBeCloseTo(12.2, 1)
    expect(total.rSquared).toBeCloseTo(0.999, 3)
    expect(total.dof).toBe(3)
    expect(task!.versusLogParams.map(v => v.label)).toEqual(['total parameters (tied embeddings counted once)', 'non-embedding parameters (Kaplan convention)'])
    expect(task!.chanceSource).toBe('declared')
  })
  test('an average pseudo-task is added over tasks every model reports, with mean chance', () => {
    const two = models.map(m => ({ ...m, accuracies: { piqa: { acc: 0.65, stderr: 0.011 }, arc_easy: { acc: 0.45, stderr: 0.01 } } }))
    const tasks = analyzeDownstream(two, { ...options, conventions: ['total'], chanceLevels: { piqa: 0.5, arc_easy: 0.25 } })
    const average = tasks.find(t => t.task === 'average')!
    expect(average.chance).toBeCloseTo(0.375, 12)
    expect(average.chanceSource).toBe('mean of tasks')
    expect(tasks.map(t => t.task)).toEqual(['arc_easy', 'piqa', 'average'])
  })
  test('a task whose results declare no chance level is an error naming it (no built-in table to guess from)', () => {
    const one = models.map(m => ({ ...m, accuracies: { mmlu: { acc: 0.3, stderr: 0.01 } } }))
    expect(() => analyzeDownstream(one, { ...options, conventions: ['total'], chanceLevels: {} })).toThrow(
      'No chance level for task "mmlu": its results declare none; pass options.chanceLevels.mmlu',
    )
    expect(() => analyzeDownstream(one, { ...options, conventions: ['total'], chanceLevels: { mmlu: 1 } })).toThrow(
      'chanceLevels.mmlu: must be in [0, 1), got 1',
    )
  })
})
