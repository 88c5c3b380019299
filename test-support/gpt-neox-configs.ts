/** GPT-NeoX configurations the forge is checked on: both residual forms, partial and full rotary, 300-token vocabulary. */
import type { GptNeoxConfig } from '../src/forge/gpt-neox-config.ts'

const base = { vocabSize: 300, rotaryEmbBase: 10_000, layerNormEps: 1e-5, maxPositionEmbeddings: 256, bosTokenId: 1, eosTokenId: 2 }
export const GPT_NEOX_TEST_CONFIGS: Record<string, GptNeoxConfig> = {
  'Pythia-like: parallel residual, rotary_pct 0.25': {
    ...base,
    hiddenSize: 128,
    intermediateSize: 512,
    numLayers: 2,
    numHeads: 4,
    rotaryPct: 0.25,
    useParallelResidual: true,
  },
  'sequential residual, rotary_pct 0.5, base 500k': {
    ...base,
    hiddenSize: 96,
    intermediateSize: 256,
    numLayers: 3,
    numHeads: 3,
    rotaryPct: 0.5,
    rotaryEmbBase: 500_000,
    useParallelResidual: false,
  },
  'full rotary, 8 heads of 8': { ...base, hiddenSize: 64, intermediateSize: 192, numLayers: 2, numHeads: 8, rotaryPct: 1, useParallelResidual: true },
}
