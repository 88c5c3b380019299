/**
 * The MobileLLM study as studies/mobilellm.bench.ts runs it: models with the special-token fix, the ten tasks,
 * device/dtype/limit/throughput from the environment, and the expected bands with their tolerances.
 *
 * The reference numbers are not lm-eval numbers (spec §4): the paper's accuracies come from the authors' internal
 * pipeline, the perplexities from a third-party fp16 PyTorch run on a T4. The tolerances below say how far ours
 * may fall from them and why.
 */
import type { Dtype } from '../core/executor.ts'
import type { Band } from '../core/schema.ts'
import { hubStudySettingsFromEnv, type HubStudySettings, type StudyModel } from './hub-study.ts'
import { MOBILELLM_MODELS } from './mobilellm.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The eight zero-shot tasks of the paper's table, in its column order. */
export const MOBILELLM_ZERO_SHOT_TASKS = ['arc_easy', 'arc_challenge', 'boolq', 'piqa', 'siqa', 'hellaswag', 'openbookqa', 'winogrande'] as const
export type ZeroShotTask = (typeof MOBILELLM_ZERO_SHOT_TASKS)[number]

/** WikiText-2 token perplexity two ways (HF sliding window 1024/512; MobileLLM eval.py's 2048 chunks), then the table. */
export const MOBILELLM_TASKS = ['wikitext2_sliding', 'wikitext2_chunks', ...MOBILELLM_ZERO_SHOT_TASKS] as const
export type MobileLlmTask = (typeof MOBILELLM_TASKS)[number]

/**
 * The metric compared with the paper: acc_norm where lm-eval reports it, else acc. The paper does not say which it
 * used; LLaMA-style pipelines length-normalise, which acc_norm approximates.
 */
export const PAPER_METRIC: Readonly<Record<ZeroShotTask, 'acc' | 'acc_norm'>> = {
  arc_easy: 'acc_norm',
  arc_challenge: 'acc_norm',
  boolq: 'acc',
  piqa: 'acc_norm',
  siqa: 'acc',
  hellaswag: 'acc_norm',
  openbookqa: 'acc_norm',
  winogrande: 'acc',
}

/** The paper's zero-shot accuracies (spec §4, README corrected by commit 3056d7c), as fractions. */
export const PAPER_ACCURACY: Readonly<Record<string, Readonly<Record<ZeroShotTask, number>>>> = {
  'MobileLLM-125M': { arc_easy: 0.439, arc_challenge: 0.271, boolq: 0.602, piqa: 0.653, siqa: 0.424, hellaswag: 0.389, openbookqa: 0.395, winogrande: 0.531 },
  'MobileLLM-350M': { arc_easy: 0.538, arc_challenge: 0.335, boolq: 0.624, piqa: 0.686, siqa: 0.447, hellaswag: 0.496, openbookqa: 0.4, winogrande: 0.576 },
  'MobileLLM-600M': { arc_easy: 0.581, arc_challenge: 0.358, boolq: 0.61, piqa: 0.723, siqa: 0.449, hellaswag: 0.559, openbookqa: 0.479, winogrande: 0.586 },
  'MobileLLM-1B': { arc_easy: 0.63, arc_challenge: 0.39, boolq: 0.667, piqa: 0.744, siqa: 0.45, hellaswag: 0.614, openbookqa: 0.468, winogrande: 0.623 },
  'MobileLLM-1.5B': { arc_easy: 0.675, arc_challenge: 0.409, boolq: 0.657, piqa: 0.748, siqa: 0.464, hellaswag: 0.645, openbookqa: 0.505, winogrande: 0.647 },
}

/** The prior study's WikiText-2 token perplexity, sliding window 1024/512, fp16 on a T4 (spec §4). No 1.5B run. */
export const PRIOR_SLIDING_PERPLEXITY: Readonly<Record<string, number>> = {
  'MobileLLM-125M': 11.961319,
  'MobileLLM-350M': 8.976614,
  'MobileLLM-600M': 7.984185,
  'MobileLLM-1B': 7.171037,
}

/** Documents in each task's evaluation split (lm-eval's standard counts): the n of the binomial standard error. */
export const TASK_DOCUMENTS: Readonly<Record<ZeroShotTask, number>> = {
  arc_easy: 2376,
  arc_challenge: 1172,
  boolq: 3270,
  piqa: 1838,
  siqa: 1954,
  hellaswag: 10042,
  openbookqa: 500,
  winogrande: 1267,
}

/**
 * Same method and tokenizer as the prior study, so only numerics separate us at full precision: fp16 vs fp32
 * accumulation moves token perplexity by well under 1%; 3% leaves room for the ONNX export's graph rewrites.
 */
export const PERPLEXITY_TOLERANCE_FULL_PRECISION = 0.03
/** Weight quantisation raises perplexity: typically a few percent for 8-bit, 10–20% for 4-bit on models this small. */
export const PERPLEXITY_TOLERANCE_BY_DTYPE: Readonly<Record<Dtype, number>> = {
  fp32: PERPLEXITY_TOLERANCE_FULL_PRECISION,
  fp16: PERPLEXITY_TOLERANCE_FULL_PRECISION,
  q8: 0.08,
  q4: 0.25,
  q4f16: 0.25,
}

/**
 * The paper's pipeline is not lm-eval (different prompts and normalisation): expect a few points either way
 * (spec §4, "expect differences of a few points"). This allowance is added to the sampling error.
 */
export const ACCURACY_PIPELINE_ALLOWANCE = 0.05
/** Sampling error: the band also spans this many binomial standard errors sqrt(p(1−p)/n) of the task's n. */
export const ACCURACY_STANDARD_ERRORS = 3
/** Quantised weights cost accuracy too; full precision costs nothing beyond numerics. */
export const ACCURACY_QUANTIZATION_ALLOWANCE: Readonly<Record<Dtype, number>> = { fp32: 0, fp16: 0, q8: 0.01, q4: 0.03, q4f16: 0.03 }

const round = (x: number) => Math.round(x * 1e4) / 1e4

/** The accuracy band around the paper's value p: p ± (pipeline allowance + k·SE + quantisation allowance), within [0, 1]. */
export function accuracyBand(p: number, documents: number, dtype: Dtype): Band {
  const standardError = Math.sqrt((p * (1 - p)) / documents)
  const halfWidth = ACCURACY_PIPELINE_ALLOWANCE + ACCURACY_STANDARD_ERRORS * standardError + ACCURACY_QUANTIZATION_ALLOWANCE[dtype]
  return { min: round(Math.max(0, p - halfWidth)), max: round(Math.min(1, p + halfWidth)) }
}

type MobileLlmBands = Record<string, Partial<Record<MobileLlmTask | typeof MOBILELLM_FIDELITY_TASK, Record<string, Band>>>>

/** Per model: sliding-window perplexity near the prior study (where it ran that size), accuracies near the paper. */
export function mobileLlmBands(models: readonly StudyModel[], dtype: Dtype, limit: number | undefined): MobileLlmBands {
  const bands: MobileLlmBands = {}
  for (const { name, reference, referenceOnly } of models) {
    if (referenceOnly) continue
    const own: Partial<Record<MobileLlmTask | typeof MOBILELLM_FIDELITY_TASK, Record<string, Band>>> = {}
    if (reference !== undefined && dtype !== 'fp32') {
      const expected = FIDELITY_BANDS[dtype]
      own[MOBILELLM_FIDELITY_TASK] = {
        kl_mean: { max: expected.kl_mean },
        top1_agreement: { min: expected.top1_agreement },
        ppl_ratio: { max: 1 + PERPLEXITY_TOLERANCE_BY_DTYPE[dtype] },
      }
    }
    const perplexity = PRIOR_SLIDING_PERPLEXITY[name]
    if (perplexity !== undefined) own.wikitext2_sliding = { perplexity: { near: perplexity, relative: PERPLEXITY_TOLERANCE_BY_DTYPE[dtype] } }
    const paper = PAPER_ACCURACY[name]
    if (paper) {
      for (const task of MOBILELLM_ZERO_SHOT_TASKS) {
        const documents = Math.min(TASK_DOCUMENTS[task], limit ?? Infinity)
        own[task] = { [PAPER_METRIC[task]]: accuracyBand(paper[task], documents, dtype) }
      }
    }
    bands[name] = own
  }
  return bands
}

/** The fidelity task: each quantized (or fp16) model against its fp32 export over WikiText-2's test text. */
export const MOBILELLM_FIDELITY_TASK = 'wikitext2_fidelity'

/**
 * Fidelity bands by dtype. KL and agreement are this study's expectations, not measurements of MobileLLM (no run
 * here): fp16 arithmetic moves distributions by ~1e-6 nats on the fixtures, weight-only 4-bit by ~1e-2, and dynamic
 * 8-bit sits between (src/models/fidelity.test.ts); the perplexity ratio reuses the perplexity tolerances above.
 */
export const FIDELITY_BANDS: Readonly<Record<Exclude<Dtype, 'fp32'>, { readonly kl_mean: number; readonly top1_agreement: number }>> = {
  fp16: { kl_mean: 1e-3, top1_agreement: 0.99 },
  q8: { kl_mean: 0.05, top1_agreement: 0.9 },
  q4: { kl_mean: 0.2, top1_agreement: 0.75 },
  q4f16: { kl_mean: 0.2, top1_agreement: 0.75 },
}

/** The study's name for a model's fp32 export, loaded only as its reference. */
export const fp32ReferenceName = (name: string) => `${name}-fp32`

/**
 * The study's models: at fp32 as declared; at any other dtype each model gains its fp32 export as a reference-only
 * model, so the fidelity task scores the dtype the study runs against fp32 (LMSCALE_FIDELITY=0 leaves them out).
 */
export function mobileLlmStudyModels(settings: HubStudySettings, fidelity: boolean): StudyModel[] {
  if (!fidelity || settings.dtype === 'fp32') return [...settings.models]
  return settings.models.flatMap(model => [
    { ...model, name: fp32ReferenceName(model.name), dtype: 'fp32' as const, referenceOnly: true },
    { ...model, reference: fp32ReferenceName(model.name) },
  ])
}

/** The study's tasks: the ten of the paper's comparison, and the fidelity task when the models have references. */
export function mobileLlmTasks(models: readonly StudyModel[]): (MobileLlmTask | typeof MOBILELLM_FIDELITY_TASK)[] {
  return models.some(m => m.reference !== undefined) ? [...MOBILELLM_TASKS, MOBILELLM_FIDELITY_TASK] : [...MOBILELLM_TASKS]
}

/** LMSCALE_FIDELITY: 1 (default) adds the fidelity cases at quantized dtypes, 0 leaves them out. */
export function mobileLlmFidelityFromEnv(env: Env = process.env): boolean {
  const value = (env.LMSCALE_FIDELITY ?? '').trim()
  if (!['', '0', '1'].includes(value)) throw new Error(`LMSCALE_FIDELITY="${env.LMSCALE_FIDELITY}": use 1 (default) or 0`)
  return value !== '0'
}

/** LMSCALE_DEVICE, LMSCALE_DTYPE, LMSCALE_LIMIT, LMSCALE_THROUGHPUT; the models are always MOBILELLM_MODELS (HF_ENDPOINT picks the hub). */
export function mobileLlmSettingsFromEnv(env: Env = process.env): HubStudySettings {
  return hubStudySettingsFromEnv(MOBILELLM_MODELS, env)
}
