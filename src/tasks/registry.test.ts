import { describe, expect, test } from 'vitest'
import { tasks } from './registry.ts'

describe('task registry', () => {
  test('each entry is registered under its own name', () => {
    for (const [name, task] of Object.entries(tasks)) expect(task.name).toBe(name)
  })

  test("lm-eval's tasks, the token-perplexity methods, the fidelity tasks and the Brown fixture tasks, in one registry", () => {
    expect(Object.keys(tasks).sort()).toEqual([
      'arc_challenge',
      'arc_easy',
      'boolq',
      'brown_heldout_fidelity',
      'brown_heldout_ppl',
      'brown_next_word',
      'brown_word_order',
      'hellaswag',
      'openbookqa',
      'piqa',
      'sciq',
      'siqa',
      'wikitext',
      'wikitext2_chunks',
      'wikitext2_fidelity',
      'wikitext2_sliding',
      'winogrande',
    ])
  })

  test('every task declares a version and at least one metric, each with its direction, kind and aggregation', () => {
    for (const task of Object.values(tasks)) {
      expect(task.version).toMatch(/^\d+\.\d+$/)
      if (task.kind === 'fidelity') continue
      const metrics = Object.values(task.metrics)
      expect(metrics.length).toBeGreaterThan(0)
      for (const metric of metrics) {
        expect(['higher', 'lower']).toContain(metric.direction)
        expect(metric.aggregation).toBe(task.kind === 'multiple_choice' ? 'mean' : 'corpus')
        // Accuracies, probabilities, margins and log-likelihoods go up; perplexities, NLL, bits and Brier scores go down.
        expect(metric.direction).toBe(['accuracy', 'probability', 'margin', 'log_likelihood'].includes(metric.kind) ? 'higher' : 'lower')
      }
    }
  })

  test("fidelity tasks report llama.cpp's set: divergences and Δp spread go down, agreement and Δp up, KL mean and agreement with standard errors", () => {
    for (const task of [tasks.brown_heldout_fidelity, tasks.wikitext2_fidelity]) {
      const directions = Object.fromEntries(Object.entries(task.metrics).map(([name, m]) => [name, m.direction]))
      expect(directions).toEqual({
        kl_mean: 'lower',
        kl_median: 'lower',
        kl_p90: 'lower',
        kl_p99: 'lower',
        kl_max: 'lower',
        top1_agreement: 'higher',
        delta_p_mean: 'higher',
        delta_p_rms: 'lower',
        delta_p_p01: 'higher',
        delta_p_p05: 'higher',
        delta_p_median: 'higher',
        delta_p_p95: 'higher',
        delta_p_p99: 'higher',
        ppl_ratio: 'lower',
        ppl_ratio_low: 'lower',
        ppl_ratio_high: 'lower',
      })
      expect(Object.entries(task.metrics).flatMap(([name, m]) => ('stderr' in m ? [[name, m.stderr]] : []))).toEqual([
        ['kl_mean', 'kl_mean_se'],
        ['top1_agreement', 'top1_agreement_se'],
      ])
    }
  })

  test('every multiple-choice task reports the continuous scores beside its accuracies', () => {
    for (const task of Object.values(tasks)) {
      if (task.kind !== 'multiple_choice') continue
      expect(Object.keys(task.metrics)).toEqual(expect.arrayContaining(['gold_prob', 'gold_margin', 'brier', 'gold_ll_per_token']))
    }
  })

  test('multiple-choice tasks declare their chance level: 1 / the number of choices', () => {
    const chance = Object.fromEntries(Object.values(tasks).flatMap(t => (t.kind === 'multiple_choice' ? [[t.name, t.chance]] : [])))
    expect(chance).toEqual({
      arc_easy: 1 / 4,
      arc_challenge: 1 / 4,
      boolq: 1 / 2,
      piqa: 1 / 2,
      hellaswag: 1 / 4,
      winogrande: 1 / 2,
      openbookqa: 1 / 4,
      siqa: 1 / 3,
      sciq: 1 / 4,
      brown_next_word: 1 / 4,
      brown_word_order: 1 / 4,
    })
  })
})
