/**
 * A long scoring call cut into chunks of positions that run one after another through the KV cache (chunked
 * prefill). The arithmetic per position is the causal forward's, but causal attention no longer computes and
 * masks the scores of every query against every later key, and each chunk's attention tensors stay small.
 * Chunk boundaries are fixed positions (multiples of `chunkLength`), so a row's result does not depend on the
 * batch it runs in.
 */
import type * as ort from 'onnxruntime-node'
import type { DecoderOutputs, DecoderSession } from './decoder-session.ts'

/** Scores right-padded rows (no attention mask needed, as for one call) in chunks; scoring graphs only. */
export async function forwardInChunks(
  session: DecoderSession,
  inputIds: readonly (readonly number[])[],
  targetIds: readonly (readonly number[])[],
  chunkLength: number,
): Promise<DecoderOutputs> {
  if (session.kind !== 'scoring' || !session.hasCache) throw new Error('chunked scoring needs a scoring graph with a KV cache')
  const batch = inputIds.length
  const width = inputIds[0]?.length ?? 0
  const targetLogProbs = new Float64Array(batch * width)
  const argmaxIds = new BigInt64Array(batch * width)
  let past: Readonly<Record<string, ort.Tensor>> | undefined
  for (let start = 0; start < width; start += chunkLength) {
    const end = Math.min(start + chunkLength, width)
    const outputs = await session.forward({
      inputIds: inputIds.map(row => row.slice(start, end)),
      attentionMask: inputIds.map(() => new Array<number>(end).fill(1)),
      targetIds: targetIds.map(row => row.slice(start, end)),
      ...(past ? { past } : {}),
      wantPast: end < width,
    })
    for (let r = 0; r < batch; r++) {
      targetLogProbs.set(outputs.targetLogProbs!.subarray(r * (end - start), (r + 1) * (end - start)), r * width + start)
      argmaxIds.set(outputs.argmaxIds!.subarray(r * (end - start), (r + 1) * (end - start)), r * width + start)
    }
    past = outputs.past
  }
  return { targetLogProbs, argmaxIds, past: {} }
}
