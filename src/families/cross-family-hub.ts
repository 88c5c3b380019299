/**
 * The real cross-family comparison as a hub study: MobileLLM, SmolLM2, Qwen2.5 and Pythia at 100M–1.5B in their
 * transformers.js exports, on lm-eval's `wikitext` (bits per byte: comparable across tokenizers) and the eight
 * zero-shot tasks of MobileLLM's table. `studies/cross-family.bench.ts` runs it, `npm run plan:cross-family` plans it.
 *
 * NOTHING HERE HAS BEEN CHECKED AGAINST THE HUB: no machine that wrote this reaches it. The ids are the ones believed
 * to exist; every revision is the placeholder 'main' until plan mode's commit is pinned. Sizes are as the authors
 * name them (the harness counts the parameters of the graph it loads).
 *
 * Three sizes per family: the cross-family fit gives each family its own exponent and needs three distinct sizes for
 * it. Qwen2.5 (0.5B, 1.5B) and SmolLM2 (135M, 360M) have only two inside 100M–1.5B, so each brings its next size
 * (3B, 1.7B), declared out of range: plan mode and this table say so, and the fit uses them like any other point.
 */
import { MOBILELLM_ZERO_SHOT_TASKS } from './mobilellm-study.ts'
import { MOBILELLM_MODELS } from './mobilellm.ts'
import { type HubStudySettings, type StudyModel, studyModelSpec, hubModel } from './hub-study.ts'

/**
 * Every model scores the same windows: 2048 tokens, the shortest native context among them (MobileLLM's and
 * Pythia's; SmolLM2's config says 8192, Qwen2.5's 32768).
 */
export const CROSS_FAMILY_MAX_LENGTH = 2048

/**
 * lm-eval 0.4.13's rule for every family: each tokenizer's own BOS. MobileLLM's (restored to `<s>`) is prepended;
 * SmolLM2's, Qwen2.5's and Pythia's tokenizers prepend none, so their rolling documents start after the end-of-text
 * token, as lm-eval does.
 */
const shared = { maxLength: CROSS_FAMILY_MAX_LENGTH, bos: 'tokenizer' } as const

const QWEN_OUT_OF_RANGE = 'Qwen2.5 has only 0.5B and 1.5B inside 100M–1.5B; its 3B gives it the third size its own exponent needs'
const SMOLLM_OUT_OF_RANGE = 'SmolLM2 has only 135M and 360M inside 100M–1.5B; its 1.7B gives it the third size its own exponent needs'

export const CROSS_FAMILY_MODELS: readonly StudyModel[] = [
  ...MOBILELLM_MODELS.map(model => ({ ...model, family: 'mobilellm', ...shared })),
  hubModel('SmolLM2-135M', 'HuggingFaceTB/SmolLM2-135M', 135e6, { family: 'smollm2', ...shared }),
  hubModel('SmolLM2-360M', 'HuggingFaceTB/SmolLM2-360M', 360e6, { family: 'smollm2', ...shared }),
  hubModel('SmolLM2-1.7B', 'HuggingFaceTB/SmolLM2-1.7B', 1.7e9, { family: 'smollm2', ...shared, outOfRange: SMOLLM_OUT_OF_RANGE }),
  hubModel('Qwen2.5-0.5B', 'onnx-community/Qwen2.5-0.5B', 0.5e9, { family: 'qwen2.5', ...shared }),
  hubModel('Qwen2.5-1.5B', 'onnx-community/Qwen2.5-1.5B', 1.5e9, { family: 'qwen2.5', ...shared }),
  hubModel('Qwen2.5-3B', 'onnx-community/Qwen2.5-3B', 3e9, { family: 'qwen2.5', ...shared, outOfRange: QWEN_OUT_OF_RANGE }),
  hubModel('pythia-160m', 'onnx-community/pythia-160m', 160e6, { family: 'pythia', ...shared }),
  hubModel('pythia-410m', 'onnx-community/pythia-410m', 410e6, { family: 'pythia', ...shared }),
  hubModel('pythia-1b', 'onnx-community/pythia-1b', 1e9, { family: 'pythia', ...shared }),
  hubModel('pythia-1.4b', 'onnx-community/pythia-1.4b', 1.4e9, { family: 'pythia', ...shared }),
]

/** Bits per byte first (the cross-family section fits the first task reporting it), then the zero-shot table. */
export const CROSS_FAMILY_TASKS = ['wikitext', ...MOBILELLM_ZERO_SHOT_TASKS] as const

/**
 * The study as `defineStudy` takes it. No bands: there are no reference numbers to hold these models to, so a case
 * fails only when it errors. Every model declares the dtype it runs, so each result records it.
 */
export function crossFamilyStudy(settings: HubStudySettings) {
  return {
    name: 'cross-family' as const,
    models: settings.models.map(model => ({ ...studyModelSpec(model), dtype: model.dtype ?? settings.dtype })),
    tasks: CROSS_FAMILY_TASKS,
    // Per word of the same text for every tokenizer; token perplexities of different tokenizers do not compare.
    scaling: { task: 'wikitext', metric: 'word_perplexity' } as const,
    device: settings.device,
    ...(settings.limit === undefined ? {} : { limit: settings.limit }),
    ...(settings.throughput ? {} : { throughput: false as const }),
    timeout: 0,
  }
}
