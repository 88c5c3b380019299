/**
 * Greedy decoding at batch 1, with the KV cache (each step feeds one token) or without it (each step re-runs
 * the whole sequence: the prior study's method, kept only to compare). On a scoring graph the next token is
 * the in-graph argmax, so no logits reach JavaScript; on a plain graph it is the argmax of the last logits row.
 */
import type * as ort from 'onnxruntime-node'
import type { DecoderOutputs, DecoderSession } from './decoder-session.ts'

export interface GreedyOptions {
  /** Reuse the KV cache between steps (default true); false re-runs the whole sequence per token. */
  readonly cache?: boolean
}

/** The `count` tokens greedy decoding appends to `prompt` (no stop token: speed runs need a fixed length). */
export async function greedyDecode(session: DecoderSession, prompt: readonly number[], count: number, { cache = true }: GreedyOptions = {}): Promise<number[]> {
  if (prompt.length === 0) throw new Error('greedy decoding needs at least one prompt token')
  if (!Number.isInteger(count) || count < 1) throw new Error(`greedy decoding: count must be a positive integer, got ${count}`)
  if (cache && !session.hasCache) throw new Error('greedy decoding with cache: the graph has no past_key_values inputs; pass cache: false')
  const sequence = [...prompt]
  let past: Readonly<Record<string, ort.Tensor>> | undefined
  for (let step = 0; step < count; step++) {
    const input = cache && past ? sequence.slice(-1) : sequence
    const outputs = await session.forward({
      inputIds: [input],
      attentionMask: [new Array<number>(sequence.length).fill(1)],
      targetIds: [input],
      ...(past ? { past } : {}),
      wantPast: cache && step < count - 1,
    })
    sequence.push(lastArgmax(outputs, input.length))
    if (cache) past = outputs.past
  }
  return sequence.slice(prompt.length)
}

/** Argmax at the last position; the first maximum wins, as in the graph's ArgMax. */
function lastArgmax(outputs: DecoderOutputs, width: number): number {
  if (outputs.argmaxIds) return Number(outputs.argmaxIds[width - 1]!)
  const { logits, vocabSize } = outputs
  if (!logits || !vocabSize) throw new Error('the decoder returned neither logits nor argmax ids')
  const offset = (width - 1) * vocabSize
  let best = 0
  for (let v = 1; v < vocabSize; v++) if (logits[offset + v]! > logits[offset + best]!) best = v
  return best
}
