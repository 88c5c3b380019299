import { expect, test } from 'vitest'
import { bandwidthBoundTokensPerSecond, decodeBytesPerToken, forwardFlops, naiveCostBesideGpu } from './flops.ts'
import { MOBILELLM_125M_SHAPE } from '../../test-support/perf-model.ts'

// MobileLLM-125M by hand: per layer q, o 576×576; k, v 576×192; gate, up, down 576×1536; two RMSNorm vectors.
const layer = 2 * 576 * 576 + 2 * 576 * 192 + 3 * 576 * 1536 + 2 * 576
const weights = { nonEmbedding: 30 * layer + 576, lmHead: 32_000 * 576 }

test('the 125M shape: 106.2M non-embedding weights, 2 × (106.2M + 18.4M) FLOPs per token', () => {
  const { numLayers, hiddenSize, numHeads, numKvHeads, intermediateSize, vocabSize } = MOBILELLM_125M_SHAPE
  expect([numLayers, hiddenSize, numHeads, numKvHeads, intermediateSize, vocabSize]).toEqual([30, 576, 9, 3, 1536, 32_000])
  expect(weights.nonEmbedding).toBe(106_203_456)
  expect(forwardFlops(weights, 2048)).toBe(2 * (106_203_456 + 18_432_000) * 2048)
})

test('batch-1 decode reads every fp32 weight once: 498.5 MB per token, 80 tokens/s at 40 GB/s', () => {
  expect(decodeBytesPerToken(weights)).toBe(4 * 124_635_456)
  expect(bandwidthBoundTokensPerSecond(decodeBytesPerToken(weights), 40e9)).toBeCloseTo(40e9 / 498_541_824, 12)
})

test('beside a 26 TFLOP/s GPU, 150 µs of JavaScript per token leaves the GPU idle ~94% of the time', () => {
  const gpu = { description: 'test', flopsPerSecond: 26e12, copyBytesPerSecond: 12e9 }
  const comparison = naiveCostBesideGpu(weights, 32_000, 150, gpu)
  expect(comparison.forwardMicros).toBeCloseTo((2 * 124_635_456) / 26e6, 9)
  expect(comparison.copyMicros).toBeCloseTo(128_000 / 12e3, 9)
  expect(comparison.idleFraction).toBeCloseTo((10.6667 + 150) / (9.5874 + 10.6667 + 150), 4)
})
