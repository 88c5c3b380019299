/**
 * The floor arithmetic of the benchmark (DESIGN.md, "Performance principles"): a forward pass costs about
 * 2 FLOPs per weight per token, and batch-1 decoding reads every weight once per token.
 */

export interface WeightCounts {
  /** Kaplan's non-embedding parameters: every weight but the token embedding and the LM head. */
  readonly nonEmbedding: number
  /** Weights of the LM head matrix (vocabulary × hidden; the embedding itself when tied). */
  readonly lmHead: number
}

/** FLOPs of the weights' MatMuls over `tokens` positions: 2 × (non-embedding + LM head) × tokens. Attention scores are not counted. */
export function forwardFlops({ nonEmbedding, lmHead }: WeightCounts, tokens: number): number {
  return 2 * (nonEmbedding + lmHead) * tokens
}

/** Bytes of weights one batch-1 decode step reads: every non-embedding weight and the LM head (one embedding row is negligible). */
export function decodeBytesPerToken({ nonEmbedding, lmHead }: WeightCounts, bytesPerWeight = 4): number {
  return (nonEmbedding + lmHead) * bytesPerWeight
}

/** Decode tokens/s if every step only streamed its weights at `bytesPerSecond`. */
export function bandwidthBoundTokensPerSecond(bytesPerToken: number, bytesPerSecond: number): number {
  return bytesPerSecond / bytesPerToken
}

export interface GpuAssumption {
  readonly description: string
  /** Sustained FLOP/s of a forward pass on that GPU. */
  readonly flopsPerSecond: number
  /** Sustained device-to-host copy rate, bytes/s. */
  readonly copyBytesPerSecond: number
}

/**
 * A T4-class GPU (the common CI GPU runner): 65 TFLOP/s fp16 tensor-core peak, taken at 40% sustained in a
 * small model's forward pass; logits cross PCIe 3.0 ×16 at 12 GB/s.
 */
export const T4_CLASS_GPU: GpuAssumption = {
  description: 'T4-class GPU: 65 TFLOP/s fp16 peak at 40% sustained = 26 TFLOP/s; PCIe 3.0 ×16 device-to-host at 12 GB/s',
  flopsPerSecond: 26e12,
  copyBytesPerSecond: 12e9,
}

export interface GpuComparison {
  /** The GPU forward pass per token, µs. */
  readonly forwardMicros: number
  /** Copying one position's fp32 logits to the host, µs. */
  readonly copyMicros: number
  /** The naive method's JavaScript work per token measured here, µs. */
  readonly javascriptMicros: number
  /** Share of each token's wall time the GPU would sit idle: (copy + JS) / (forward + copy + JS). */
  readonly idleFraction: number
}

/** What the naive method's per-token JavaScript cost would mean beside a GPU forward pass of the same model. */
export function naiveCostBesideGpu(weights: WeightCounts, vocabSize: number, javascriptMicros: number, gpu: GpuAssumption = T4_CLASS_GPU): GpuComparison {
  const forwardMicros = (forwardFlops(weights, 1) / gpu.flopsPerSecond) * 1e6
  const copyMicros = ((vocabSize * 4) / gpu.copyBytesPerSecond) * 1e6
  return { forwardMicros, copyMicros, javascriptMicros, idleFraction: (copyMicros + javascriptMicros) / (forwardMicros + copyMicros + javascriptMicros) }
}
