/**
 * Multiple choice without recomputing the context: requests whose (truncated) context tokens are identical
 * run that context once, and every choice continues from its KV cache. A row [context, continuation] is
 * split into a prefix run over context[:-1] (cache only) and a continuation run over
 * [context[-1], continuation[:-1]] that scores every continuation token. Groups are formed over all requests
 * and caches are never padded (continuations are batched only with rows of the same context length), so a
 * row's arithmetic does not depend on batch size or request order.
 */
import * as ort from 'onnxruntime-node'
import {
  describeRequest,
  progressCounter,
  requestRows,
  scoredRequest,
  scoreRows,
  type BatchOptions,
  type Finished,
  type LengthOptions,
  type RowScores,
  type ScoreBatch,
  type ScoredRequest,
  type ScoringRow,
} from '../scoring/batching.ts'
import type { EncodedPair } from '../scoring/encode.ts'
import type { OnProgress } from '../scoring/scorer.ts'
import type { DecoderSession } from './decoder-session.ts'
import { scoreOutputs } from './score-logits.ts'

export interface PrefixGroup {
  /** The unscored tokens the member rows start with (their context after truncation). */
  readonly prefix: readonly number[]
  /** Indices of the rows that share it, ascending. */
  readonly members: readonly number[]
}

/**
 * Rows whose unscored prefixes are identical and at least 2 tokens long, in groups of 2 or more; every other
 * row is returned in `alone`. Groups come longest prefix first, then by token ids, whatever the row order.
 */
export function groupSharedPrefixes(rows: readonly ScoringRow[]): { groups: PrefixGroup[]; alone: number[] } {
  const byPrefix = new Map<string, { prefix: readonly number[]; members: number[] }>()
  rows.forEach((row, index) => {
    const prefix = row.tokens.slice(0, row.tokens.length - row.scored)
    const key = prefix.join(',')
    const group = byPrefix.get(key)
    if (group) group.members.push(index)
    else byPrefix.set(key, { prefix, members: [index] })
  })
  const groups: PrefixGroup[] = []
  const alone: number[] = []
  for (const group of byPrefix.values()) {
    if (group.members.length >= 2 && group.prefix.length >= 2) groups.push(group)
    else alone.push(...group.members)
  }
  groups.sort((a, b) => b.prefix.length - a.prefix.length || compareTokens(a.prefix, b.prefix))
  return { groups, alone: alone.sort((a, b) => a - b) }
}

export interface SharedScoringOptions {
  readonly batchSize: number
  readonly padTokenId: number
  readonly modelId: string
}

/**
 * Scores the member rows of `groups` through the KV cache; returns each member row's scores by row index.
 * `finished` hears each continuation batch's row count and positions (with its chunk's prefix positions).
 */
export async function scoreSharedPrefixes(
  session: DecoderSession,
  rows: readonly ScoringRow[],
  groups: readonly PrefixGroup[],
  { batchSize, padTokenId, modelId }: SharedScoringOptions,
  finished: Finished,
): Promise<Map<number, RowScores>> {
  const scores = new Map<number, RowScores>()
  for (let start = 0; start < groups.length; start += batchSize) {
    const chunk = groups.slice(start, start + batchSize)
    const prefixInputs = rightPad(
      chunk.map(group => group.prefix.slice(0, -1)),
      padTokenId,
    )
    const { past } = await session.forward({
      inputIds: prefixInputs,
      attentionMask: prefixInputs.map(row => row.map(() => 1)),
      targetIds: prefixInputs,
      wantPast: true,
    })
    // Counted with the chunk's first continuation batch, so every report finishes at least one request.
    let prefixTokens = chunk.reduce((sum, group) => sum + group.prefix.length - 1, 0)
    // Continuations are batched by cache length: caches line up without padding.
    const byCacheLength = new Map<number, { slot: number; row: number }[]>()
    chunk.forEach((group, slot) => {
      const length = group.prefix.length - 1
      const bucket = byCacheLength.get(length) ?? []
      byCacheLength.set(length, bucket)
      for (const row of group.members) bucket.push({ slot, row })
    })
    for (const [cacheLength, members] of byCacheLength) {
      for (let first = 0; first < members.length; first += batchSize) {
        const batch = members.slice(first, first + batchSize)
        const inputs = batch.map(({ row }) => rows[row]!.tokens.slice(cacheLength, -1))
        const targets = batch.map(({ row }) => rows[row]!.tokens.slice(cacheLength + 1))
        const inputIds = rightPad(inputs, padTokenId)
        const width = inputIds[0]!.length
        const outputs = await session.forward({
          inputIds,
          attentionMask: inputIds.map(() => new Array<number>(cacheLength + width).fill(1)),
          past: gatherPast(
            past,
            batch.map(m => m.slot),
            cacheLength,
          ),
          targetIds: rightPad(targets, padTokenId),
        })
        batch.forEach(({ row }, r) => scores.set(row, scoreOutputs(outputs, width, r, 0, targets[r]!, modelId)))
        finished(batch.length, prefixTokens + inputs.reduce((sum, input) => sum + input.length, 0))
        prefixTokens = 0
      }
    }
  }
  return scores
}

/**
 * lm-eval loglikelihood over encoded pairs (truncation as in scoreLoglikelihoods), with shared contexts
 * through `session`'s KV cache and every other row through `scoreBatch`. Progress counts requests over both passes.
 */
export async function scoreLoglikelihoodsSharingContexts(
  pairs: readonly EncodedPair[],
  session: DecoderSession,
  scoreBatch: ScoreBatch,
  options: BatchOptions & LengthOptions & { readonly modelId: string },
  onProgress?: OnProgress,
): Promise<ScoredRequest[]> {
  const built = requestRows(pairs, options)
  const rows = built.map(b => b.row)
  const { groups, alone } = groupSharedPrefixes(rows)
  const finished = progressCounter(rows.length, onProgress)
  const scores = await scoreSharedPrefixes(session, rows, groups, options, finished)
  const aloneScores = await scoreRows(
    alone.map(i => rows[i]!),
    scoreBatch,
    options,
    k => describeRequest(alone[k]!),
    finished,
  )
  alone.forEach((index, k) => scores.set(index, aloneScores[k]!))
  return built.map((b, index) => scoredRequest(b, scores.get(index)!, pairs[index]!.continuation.length))
}

/** The cache of prefix-run rows `slots`, cut to `length` positions, stacked as a new batch. */
export function gatherPast(past: Readonly<Record<string, ort.Tensor>>, slots: readonly number[], length: number): Record<string, ort.Tensor> {
  const gathered: Record<string, ort.Tensor> = {}
  for (const [name, tensor] of Object.entries(past)) {
    if (tensor.dims.length !== 4) {
      throw new Error(`cache tensor ${name} has shape [${tensor.dims.join(', ')}]; sharing contexts expects [batch, heads, sequence, head_dim]`)
    }
    const [, heads, sequence, headDim] = tensor.dims as [number, number, number, number]
    const source = tensor.data as Float32Array | Uint16Array
    const target = new (source.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(slots.length * heads * length * headDim)
    slots.forEach((slot, b) => {
      for (let h = 0; h < heads; h++) {
        const from = (slot * heads + h) * sequence * headDim
        target.set(source.subarray(from, from + length * headDim), (b * heads + h) * length * headDim)
      }
    })
    // float16 caches travel as Uint16Array; the type string is what onnxruntime reads.
    gathered[name] = new ort.Tensor(tensor.type as 'float32', target as Float32Array, [slots.length, heads, length, headDim])
  }
  return gathered
}

function rightPad(rows: readonly (readonly number[])[], padTokenId: number): number[][] {
  const width = Math.max(...rows.map(row => row.length))
  return rows.map(row => [...row, ...new Array<number>(width - row.length).fill(padTokenId)])
}

function compareTokens(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}
