// Test data: the prior study's published perplexities (results/results.csv) and MobileLLM's configs,
// from which the parameter counts are computed here (not copied), as an independent check of both.

export interface MobileLlmShape {
  layers: number
  dModel: number
  heads: number
  kvHeads: number
  headDim: number
  ffn: number
  vocab: number
}

/** LLaMA-style decoder with SwiGLU, GQA, RMSNorm (weights only) and one shared (tied) embedding. */
export function decoderParameterCounts(c: MobileLlmShape): { total: number; nonEmbedding: number } {
  const attention = 2 * c.dModel * c.heads * c.headDim + 2 * c.dModel * c.kvHeads * c.headDim
  const mlp = 3 * c.dModel * c.ffn
  const norms = 2 * c.dModel
  const nonEmbedding = c.layers * (attention + mlp + norms) + c.dModel
  return { total: nonEmbedding + c.vocab * c.dModel, nonEmbedding }
}

const base = { headDim: 64, vocab: 32000 }
export const MOBILELLM_CONFIGS: Record<string, MobileLlmShape> = {
  'MobileLLM-125M': { ...base, layers: 30, dModel: 576, heads: 9, kvHeads: 3, ffn: 1536 },
  'MobileLLM-350M': { ...base, layers: 32, dModel: 960, heads: 15, kvHeads: 5, ffn: 2560 },
  'MobileLLM-600M': { ...base, layers: 40, dModel: 1152, heads: 18, kvHeads: 6, ffn: 3072 },
  'MobileLLM-1B': { ...base, layers: 54, dModel: 1280, heads: 20, kvHeads: 5, ffn: 3584 },
  'MobileLLM-1.5B': { ...base, layers: 54, dModel: 1600, heads: 25, kvHeads: 5, ffn: 4352 },
}

/** WikiText-2 perplexities published by the prior study (sliding window 1024/512). */
export const PRIOR_STUDY_PERPLEXITY: Record<string, number> = {
  'MobileLLM-125M': 11.961319,
  'MobileLLM-350M': 8.976614,
  'MobileLLM-600M': 7.984185,
  'MobileLLM-1B': 7.171037,
}

/** The published "num_params" column (sum of numel over the model, tied embedding once). */
export const PRIOR_STUDY_PARAMS: Record<string, number> = {
  'MobileLLM-125M': 124_635_456,
  'MobileLLM-350M': 345_355_200,
  'MobileLLM-600M': 603_188_352,
  'MobileLLM-1B': 1_005_461_760,
}

export function priorStudyPoints() {
  return Object.keys(PRIOR_STUDY_PERPLEXITY).map(modelId => ({
    modelId,
    params: decoderParameterCounts(MOBILELLM_CONFIGS[modelId]!),
    perplexity: PRIOR_STUDY_PERPLEXITY[modelId]!,
  }))
}
