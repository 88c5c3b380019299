/**
 * Greedy decoding, with the KV cache (each step feeds one token per row) or without it (each step re-runs the
 * whole sequence: the prior study's method, kept only to compare). On a scoring graph the next token is the
 * in-graph argmax, so no logits reach JavaScript; on a plain graph it is the argmax of the last logits row.
 * Prefill and the cached steps are separate calls so throughput can time decoding alone from one prefilled cache.
 */
import type * as ort from 'onnxruntime-node'
import type { DecoderOutputs, DecoderSession } from './decoder-session.ts'

export interface GreedyOptions {
  /** Reuse the KV cache between steps (default true); false re-runs the whole sequence per token. */
  readonly cache?: boolean
}

/** Rows after their prefill: each row's tokens so far (prompt and its first new token) and the cache over the prompts. */
export interface PrefilledRows {
  readonly sequences: readonly (readonly number[])[]
  readonly past: Readonly<Record<string, ort.Tensor>>
}

/** The `count` tokens greedy decoding appends to `prompt` at batch 1 (no stop token: speed runs need a fixed length). */
export async function greedyDecode(session: DecoderSession, prompt: readonly number[], count: number, { cache = true }: GreedyOptions = {}): Promise<number[]> {
  checkCount(count)
  if (!cache) return decodeWithoutCache(session, prompt, count)
  const prefilled = await prefillRows(session, [prompt], count > 1)
  const steps = count > 1 ? await decodeSteps(session, prefilled, count - 1) : [[]]
  return [prefilled.sequences[0]!.at(-1)!, ...steps[0]!]
}

/** Runs prompts of equal length through the model, returning the cache (when asked for) and each row's first new token. */
export async function prefillRows(session: DecoderSession, prompts: readonly (readonly number[])[], wantPast = true): Promise<PrefilledRows> {
  const width = prompts[0]?.length ?? 0
  if (width === 0) throw new Error('greedy decoding needs at least one prompt token')
  if (prompts.some(p => p.length !== width)) throw new Error('batched decoding needs prompts of equal length')
  if (!session.hasCache) throw new Error('greedy decoding with cache: the graph has no past_key_values inputs; pass cache: false')
  const outputs = await session.forward({
    inputIds: prompts,
    attentionMask: prompts.map(p => new Array<number>(p.length).fill(1)),
    targetIds: prompts,
    wantPast,
  })
  return { sequences: prompts.map((p, row) => [...p, argmaxAt(outputs, width, row, width - 1)]), past: outputs.past }
}

/**
 * `count` cached steps after a prefill, one token per row each; the prefilled rows are only read, so the same
 * prefill can be decoded again (the throughput phase times these steps alone).
 */
export async function decodeSteps(session: DecoderSession, prefilled: PrefilledRows, count: number): Promise<number[][]> {
  checkCount(count)
  const sequences = prefilled.sequences.map(s => [...s])
  const added: number[][] = sequences.map(() => [])
  let past = prefilled.past
  for (let step = 0; step < count; step++) {
    const input = sequences.map(s => [s.at(-1)!])
    const outputs = await session.forward({
      inputIds: input,
      attentionMask: sequences.map(s => new Array<number>(s.length).fill(1)),
      targetIds: input,
      past,
      wantPast: step < count - 1,
    })
    sequences.forEach((s, row) => {
      const next = argmaxAt(outputs, 1, row, 0)
      s.push(next)
      added[row]!.push(next)
    })
    past = outputs.past
  }
  return added
}

async function decodeWithoutCache(session: DecoderSession, prompt: readonly number[], count: number): Promise<number[]> {
  if (prompt.length === 0) throw new Error('greedy decoding needs at least one prompt token')
  const sequence = [...prompt]
  for (let step = 0; step < count; step++) {
    const outputs = await session.forward({ inputIds: [sequence], attentionMask: [new Array<number>(sequence.length).fill(1)], targetIds: [sequence] })
    sequence.push(argmaxAt(outputs, sequence.length, 0, sequence.length - 1))
  }
  return sequence.slice(prompt.length)
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`greedy decoding: count must be a positive integer, got ${count}`)
}

/** Argmax of row `row` at `position` (rows `width` wide); the first maximum wins, as in the graph's ArgMax. */
function argmaxAt(outputs: DecoderOutputs, width: number, row: number, position: number): number {
  const index = row * width + position
  if (outputs.argmaxIds) return Number(outputs.argmaxIds[index]!)
  const { logits, vocabSize } = outputs
  if (!logits || !vocabSize) throw new Error('the decoder returned neither logits nor argmax ids')
  const offset = index * vocabSize
  let best = 0
  for (let v = 1; v < vocabSize; v++) if (logits[offset + v]! > logits[offset + best]!) best = v
  return best
}
