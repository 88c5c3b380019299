/** Log-probabilities of target tokens from a decoder call's outputs, with lm-eval's greedy flag. */
import type { RowScores } from '../scoring/batching.ts'
import type { DecoderOutputs } from './decoder-session.ts'

/**
 * Scores `targets[k]` at position `firstPosition + k` of row `row` of a [batch, width] call: from the
 * in-graph log-probabilities and argmax ids of a scoring graph, else from the full logits.
 */
export function scoreOutputs(
  outputs: DecoderOutputs,
  width: number,
  row: number,
  firstPosition: number,
  targets: readonly number[],
  modelId: string,
): RowScores {
  const { targetLogProbs, argmaxIds, logits, vocabSize } = outputs
  if (logits && vocabSize) return scoreLogits(logits, vocabSize, width, row, firstPosition, targets, modelId)
  if (!targetLogProbs || !argmaxIds) throw new Error(`model ${modelId}: the decoder returned neither logits nor target log-probabilities`)
  const logProbs = new Float64Array(targets.length)
  const greedy = new Array<boolean>(targets.length)
  targets.forEach((target, k) => {
    const position = firstPosition + k
    const value = targetLogProbs[row * width + position]!
    // A non-finite log-softmax means a non-finite logit somewhere in that position's row.
    if (!Number.isFinite(value)) {
      throw new Error(`model ${modelId} produced a non-finite logit at batch row ${row}, position ${position} (log-probability ${value})`)
    }
    logProbs[k] = value
    greedy[k] = argmaxIds[row * width + position] === BigInt(target)
  })
  return { logProbs, greedy }
}

/**
 * Scores `targets[k]` at position `firstPosition + k` of row `row` of a [batch, width, vocab] logits buffer.
 * The log-softmax is taken in float64 over the float32 logits (lm-eval takes it in fp32: the difference is
 * rounding). A NaN or infinite logit is an error naming the model, row and position, never a silent NaN in a
 * report.
 */
export function scoreLogits(
  logits: Float32Array,
  vocabSize: number,
  width: number,
  row: number,
  firstPosition: number,
  targets: readonly number[],
  modelId: string,
): RowScores {
  const logProbs = new Float64Array(targets.length)
  const greedy = new Array<boolean>(targets.length)
  targets.forEach((target, k) => {
    const position = firstPosition + k
    const offset = (row * width + position) * vocabSize
    let max = -Infinity
    let argmax = 0
    for (let v = 0; v < vocabSize; v++) {
      const value = logits[offset + v]!
      if (!Number.isFinite(value)) {
        throw new Error(`model ${modelId} produced a non-finite logit (${value}) for token ${v} at batch row ${row}, position ${position}`)
      }
      if (value > max) [max, argmax] = [value, v]
    }
    let sum = 0
    for (let v = 0; v < vocabSize; v++) sum += Math.exp(logits[offset + v]! - max)
    logProbs[k] = logits[offset + target]! - max - Math.log(sum)
    greedy[k] = argmax === target
  })
  return { logProbs, greedy }
}
