/**
 * How far a model's next-token distributions drift from a reference model's (a quantized or exported model against
 * fp32, say), the set llama.cpp's `perplexity --kl-divergence` reports: over a text in non-overlapping windows, per
 * scored position, KL(reference ‖ model) of the full distributions, whether both put the same token on top, and Δp,
 * the model's probability of the observed next token minus the reference's; plus the perplexity ratio. Logits come
 * in chunks of positions through each model's KV cache and are reduced to these numbers at once, so memory holds
 * two chunks of logits (chunk × vocabulary floats each) and a few numbers per position, whatever the text's length.
 */
import { type Band, formatBand, isWithinBand } from '../core/bands.ts'
import type { LanguageModel } from './language-model.ts'

export interface FidelityOptions {
  /** Tokens per window (each starts afresh; every position but a window's last predicts the next token). */
  readonly window: number
  /** Positions per onnxruntime call (default 64): 64 × 32,000 logits are 8 MB per model. */
  readonly chunk?: number
  /** Score only the first this many windows (default: all of the text). */
  readonly windows?: number
  /** Called after each window with windows done, windows in all and positions scored so far. */
  readonly onWindow?: (done: number, total: number, positions: number) => void
}

export const FIDELITY_METRICS = [
  'kl_mean',
  'kl_mean_se',
  'kl_median',
  'kl_p90',
  'kl_p99',
  'kl_max',
  'top1_agreement',
  'top1_agreement_se',
  'delta_p_mean',
  'delta_p_rms',
  'delta_p_p01',
  'delta_p_p05',
  'delta_p_median',
  'delta_p_p95',
  'delta_p_p99',
  'ppl_ratio',
  'ppl_ratio_low',
  'ppl_ratio_high',
] as const
export type FidelityMetric = (typeof FIDELITY_METRICS)[number]

export interface FidelityResult {
  readonly model: string
  readonly reference: string
  /** Scored positions. */
  readonly n: number
  readonly metrics: Readonly<Record<FidelityMetric, number>>
  /** Per scored position, in text order: KL(reference ‖ model) in nats. */
  readonly kl: Float64Array
}

const DEFAULT_CHUNK = 64
/** Two-sided 95% normal quantile: the perplexity ratio's interval. */
const Z95 = 1.959963984540054

/**
 * Why two models do not share a tokenizer (their vocabularies, token by token, or their special tokens differ), or
 * undefined when they do: fidelity compares distributions over the same token ids.
 */
export function tokenizerMismatch(model: LanguageModel, reference: LanguageModel): string | undefined {
  const ours = model.tokenizer.raw.get_vocab()
  const theirs = reference.tokenizer.raw.get_vocab()
  const names = `${model.id} and ${reference.id}`
  if (ours.size !== theirs.size) return `${names} do not share a tokenizer: vocabularies of ${ours.size} and ${theirs.size} tokens`
  for (const [token, id] of ours) {
    if (theirs.get(token) !== id)
      return `${names} do not share a tokenizer: token ${JSON.stringify(token)} is id ${id} in ${model.id}, ${theirs.get(token) ?? 'absent'} in ${reference.id}`
  }
  for (const special of ['bos', 'eos', 'prefix'] as const) {
    const [a, b] = [model.specialTokens[special], reference.specialTokens[special]]
    if (a !== b) return `${names} do not share a tokenizer: ${special} token ${a ?? 'none'} in ${model.id}, ${b ?? 'none'} in ${reference.id}`
  }
  return undefined
}

/** Both models must share a tokenizer (checked on the vocabularies and on the text's tokens). */
export async function measureFidelity(model: LanguageModel, reference: LanguageModel, text: string, options: FidelityOptions): Promise<FidelityResult> {
  const { window } = options
  const chunk = options.chunk ?? DEFAULT_CHUNK
  if (!Number.isInteger(window) || window < 2) throw new Error(`fidelity: window ${window} must be an integer ≥ 2`)
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`fidelity: chunk ${chunk} must be a positive integer`)
  const mismatch = tokenizerMismatch(model, reference)
  if (mismatch) throw new Error(`fidelity: ${mismatch}`)
  for (const m of [model, reference]) {
    if (window > m.maxLength) throw new Error(`fidelity: window ${window} is longer than model ${m.id}'s maximum length ${m.maxLength}`)
  }
  const tokens = model.tokenizer.encode(text, { addSpecialTokens: true })
  const referenceTokens = reference.tokenizer.encode(text, { addSpecialTokens: true })
  const differ = tokens.findIndex((t, i) => t !== referenceTokens[i])
  if (differ >= 0 || tokens.length !== referenceTokens.length) {
    throw new Error(
      `fidelity: ${model.id} and ${reference.id} tokenize the text differently (from token ${differ >= 0 ? differ : Math.min(tokens.length, referenceTokens.length)}); they need a shared tokenizer`,
    )
  }
  const windows: number[][] = []
  for (let start = 0; start + 1 < tokens.length && windows.length < (options.windows ?? Infinity); start += window)
    windows.push(tokens.slice(start, start + window))
  const n = windows.reduce((sum, w) => sum + w.length - 1, 0)
  const kl = new Float64Array(n)
  const deltaP = new Float64Array(n)
  const nllDifference = new Float64Array(n)
  let agreements = 0
  let at = 0
  for (const [index, tokensOfWindow] of windows.entries()) {
    const ours = model.logitsInChunks(tokensOfWindow, chunk)
    const theirs = reference.logitsInChunks(tokensOfWindow, chunk)
    for (;;) {
      const [a, b] = await Promise.all([ours.next(), theirs.next()])
      if (a.done || b.done) break
      const { start, logits, vocabSize: V } = a.value
      if (b.value.vocabSize !== V) throw new Error(`fidelity: ${model.id} has ${V} logits per position, ${reference.id} ${b.value.vocabSize}`)
      const positions = logits.length / V
      for (let p = 0; p < positions && start + p + 1 < tokensOfWindow.length; p++) {
        const row = position(logits.subarray(p * V, (p + 1) * V), b.value.logits.subarray(p * V, (p + 1) * V))
        const observed = tokensOfWindow[start + p + 1]!
        kl[at] = row.kl
        const logP = logits[p * V + observed]! - row.logSum
        const logQ = b.value.logits[p * V + observed]! - row.referenceLogSum
        deltaP[at] = Math.exp(logP) - Math.exp(logQ)
        nllDifference[at] = logQ - logP
        if (row.sameTop) agreements += 1
        at += 1
      }
    }
    options.onWindow?.(index + 1, windows.length, at)
  }
  const agreement = agreements / n
  const nll = meanAndError(nllDifference)
  const klStats = meanAndError(kl)
  const sortedKl = Float64Array.from(kl).sort()
  const sortedDelta = Float64Array.from(deltaP).sort()
  const metrics: Record<FidelityMetric, number> = {
    kl_mean: klStats.mean,
    kl_mean_se: klStats.error,
    kl_median: quantile(sortedKl, 0.5),
    kl_p90: quantile(sortedKl, 0.9),
    kl_p99: quantile(sortedKl, 0.99),
    kl_max: sortedKl[n - 1]!,
    top1_agreement: agreement,
    top1_agreement_se: Math.sqrt((agreement * (1 - agreement)) / n),
    delta_p_mean: meanAndError(deltaP).mean,
    delta_p_rms: Math.sqrt(deltaP.reduce((sum, d) => sum + d * d, 0) / n),
    delta_p_p01: quantile(sortedDelta, 0.01),
    delta_p_p05: quantile(sortedDelta, 0.05),
    delta_p_median: quantile(sortedDelta, 0.5),
    delta_p_p95: quantile(sortedDelta, 0.95),
    delta_p_p99: quantile(sortedDelta, 0.99),
    ppl_ratio: Math.exp(nll.mean),
    ppl_ratio_low: Math.exp(nll.mean - Z95 * nll.error),
    ppl_ratio_high: Math.exp(nll.mean + Z95 * nll.error),
  }
  return { model: model.id, reference: reference.id, n, metrics, kl }
}

/** One position's log-sum-exps (float64), KL(q ‖ p) with q the reference, and whether the first maxima agree. */
function position(logits: Float32Array, reference: Float32Array) {
  const top = argmax(logits)
  const referenceTop = argmax(reference)
  const logSum = logSumExp(logits, logits[top]!)
  const referenceLogSum = logSumExp(reference, reference[referenceTop]!)
  let kl = 0
  for (let v = 0; v < logits.length; v++) {
    const logQ = reference[v]! - referenceLogSum
    kl += Math.exp(logQ) * (logQ - (logits[v]! - logSum))
  }
  return { kl, logSum, referenceLogSum, sameTop: top === referenceTop }
}

function argmax(values: Float32Array): number {
  let best = 0
  for (let v = 1; v < values.length; v++) if (values[v]! > values[best]!) best = v
  return best
}

function logSumExp(values: Float32Array, max: number): number {
  let sum = 0
  for (let v = 0; v < values.length; v++) sum += Math.exp(values[v]! - max)
  return max + Math.log(sum)
}

function meanAndError(values: Float64Array): { mean: number; error: number } {
  const n = values.length
  const mean = values.reduce((sum, v) => sum + v, 0) / n
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0
  return { mean, error: Math.sqrt(variance / n) }
}

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q
  const low = Math.floor(h)
  const high = Math.min(low + 1, sorted.length - 1)
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!)
}

/** The bands a fidelity result fails, each as a sentence naming both models, the metric, its value and its band. */
export function fidelityBandFailures(result: FidelityResult, bands: Partial<Record<FidelityMetric, Band>>): string[] {
  return Object.entries(bands)
    .filter(([metric, band]) => band && !isWithinBand(result.metrics[metric as FidelityMetric], band))
    .map(
      ([metric, band]) =>
        `fidelity of ${result.model} against ${result.reference}: ${metric} ${result.metrics[metric as FidelityMetric]} is outside its band ${formatBand(band!)} (n ${result.n})`,
    )
}
