/**
 * Fidelity of every export format of two forged models against their fp32 export, offline (`npm run study:fidelity`;
 * never part of the default `npx vitest bench --run`): llama.cpp's `perplexity --kl-divergence` statistics over the
 * first four 512-token windows of the Brown held-out text. Each quantized model names its fp32 export as its
 * `reference`; fidelity cases run for those models only.
 */
import { defineStudy, fixtureModels } from '../src/index.ts'
import type { Dtype, ModelSpec } from '../src/index.ts'

const EXPORTS: readonly Dtype[] = ['fp16', 'q8', 'q4']

/** The fp32 export of each model, then each export format against it. */
const withExports = (fp32: ModelSpec): ModelSpec[] => [fp32, ...EXPORTS.map(dtype => ({ ...fp32, name: `${fp32.name}-${dtype}`, dtype, reference: fp32.name }))]

defineStudy({
  name: 'fidelity',
  models: fixtureModels(['brown-bigram-s', 'brown-neox-s']).flatMap(withExports),
  tasks: ['brown_heldout_fidelity'],
  // Four windows: 2,044 positions per model and reference.
  limit: 4,
  bands: {
    '*': { brown_heldout_fidelity: { kl_mean: { max: 0.05 }, top1_agreement: { min: 0.7 }, ppl_ratio: { min: 0.97, max: 1.1 } } },
    'brown-bigram-s-fp16': { brown_heldout_fidelity: { kl_mean: { max: 1e-5 }, top1_agreement: { min: 0.99 } } },
    'brown-neox-s-fp16': { brown_heldout_fidelity: { kl_mean: { max: 1e-5 }, top1_agreement: { min: 0.99 } } },
  },
  throughput: false,
})
