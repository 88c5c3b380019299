/** Small dense helpers shared by the forge and the reference forward pass. */

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!
  }
  return out
}

/** y[o] = Σ_i W[o, i] · x[i] for a Hugging Face Linear weight W of shape [out, in], in float64. */
export function linearForward(weight: Float32Array, outFeatures: number, x: Float64Array): Float64Array {
  const inFeatures = x.length
  const y = new Float64Array(outFeatures)
  for (let o = 0; o < outFeatures; o++) {
    let sum = 0
    const row = o * inFeatures
    for (let i = 0; i < inFeatures; i++) sum += weight[row + i]! * x[i]!
    y[o] = sum
  }
  return y
}

/** Hugging Face LlamaRMSNorm in float64: x / sqrt(mean(x²) + eps) · weight. */
export function rmsNormForward(x: Float64Array, weight: Float32Array, eps: number): Float64Array {
  let sumSquares = 0
  for (const v of x) sumSquares += v * v
  const inverse = 1 / Math.sqrt(sumSquares / x.length + eps)
  return x.map((v, i) => v * inverse * weight[i]!)
}

/** Natural-log softmax of one row, in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!)
  let sum = 0
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max)
  const logSum = max + Math.log(sum)
  const out = new Float64Array(logits.length)
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - logSum
  return out
}

/** IEEE 754 half-precision bits to a number (fp16 safetensors and fp16 graph outputs). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const fraction = h & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 31) return fraction ? NaN : sign * Infinity
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}

/** torch.nn.LayerNorm in float64: (x − mean) / sqrt(var + eps) · weight + bias, with the biased variance. */
export function layerNormForward(x: Float64Array, weight: Float32Array, bias: Float32Array, eps: number): Float64Array {
  let mean = 0
  for (const v of x) mean += v / x.length
  let variance = 0
  for (const v of x) variance += (v - mean) ** 2 / x.length
  const inverse = 1 / Math.sqrt(variance + eps)
  return x.map((v, i) => (v - mean) * inverse * weight[i]! + bias[i]!)
}
