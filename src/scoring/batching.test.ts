import { describe, expect, test } from 'vitest'
import { collationOrder, padBatch, progressCounter, requestRow, scoreLoglikelihoods, scoreRows, type ScoreBatch, type ScoringBatch } from './batching.ts'

const VOCAB_SIZE = 7
const PAD = 0

/** A deterministic toy language model: log P(· | every token so far), from a hash of the prefix. */
function nextTokenLogProbs(prefix: readonly number[]): number[] {
  let h = 17
  for (const token of prefix) h = (h * 31 + token + 1) % 1_000_003
  const logits = Array.from({ length: VOCAB_SIZE }, (_, v) => ((h * (v + 3) + v * v) % 101) / 25)
  const max = Math.max(...logits)
  const logSum = max + Math.log(logits.reduce((sum, x) => sum + Math.exp(x - max), 0))
  return logits.map(x => x - logSum)
}

/**
 * The toy model run the way a causal model runs a padded batch: position p sees inputIds[r][0..p] only.
 * It checks the padding it is given and records every batch.
 */
function fakeModel(batches: ScoringBatch[] = []): ScoreBatch {
  return async batch => {
    batches.push(batch)
    return batch.rows.map((row, r) => {
      const input = batch.inputIds[r]!
      const length = batch.lengths[r]!
      if (input.length !== batch.width || input.slice(length).some(id => id !== PAD)) throw new Error('bad padding')
      const logProbs: number[] = []
      const greedy: boolean[] = []
      for (let p = length - row.scored; p < length; p++) {
        const distribution = nextTokenLogProbs(input.slice(0, p + 1))
        const target = p + 1 < length ? input[p + 1]! : row.tokens[row.tokens.length - 1]!
        logProbs.push(distribution[target]!)
        greedy.push(distribution.indexOf(Math.max(...distribution)) === target)
      }
      return { logProbs, greedy }
    })
  }
}

/**
 * Independent expectation, straight from the definition: every continuation token that falls inside the
 * last maxLength + 1 tokens (and is not the first of them) is predicted from the tokens of that window before it.
 */
function bruteForce(context: number[], continuation: number[], maxLength: number): { logLikelihood: number; isGreedy: boolean } {
  const all = [...context, ...continuation]
  const start = Math.max(0, all.length - maxLength - 1)
  let logLikelihood = 0
  let isGreedy = true
  for (let a = Math.max(context.length, start + 1); a < all.length; a++) {
    const distribution = nextTokenLogProbs(all.slice(start, a))
    logLikelihood += distribution[all[a]!]!
    isGreedy &&= distribution.indexOf(Math.max(...distribution)) === all[a]
  }
  return { logLikelihood, isGreedy }
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(rest => [item, ...rest]))
}

const MAX_LENGTH = 5
const REQUESTS = [
  { context: [1, 2, 3], continuation: [4] },
  { context: [1, 2], continuation: [3, 4] }, // same tokens as the first: a full tie in the collator
  { context: [5], continuation: [6, 0, 2] },
  { context: [3, 3, 3, 3, 3, 3], continuation: [1, 2] }, // context left-truncated by 2
  { context: [2], continuation: [6, 5, 4, 3, 2, 1, 0] }, // continuation longer than max_length
  { context: [4], continuation: [2] },
]

describe('requestRow (lm-eval left truncation)', () => {
  test('hand-computed rows', () => {
    expect(requestRow([1, 2, 3], [4, 5], { maxLength: 10 })).toEqual({
      row: { tokens: [1, 2, 3, 4, 5], scored: 2 },
      truncatedTokens: 0,
      droppedContinuationTokens: 0,
    })
    // input = (ctx+cont)[-4:][:-1] = [2,3,4], scored positions [3-2, 3)
    expect(requestRow([1, 2, 3], [4, 5], { maxLength: 3 })).toEqual({
      row: { tokens: [2, 3, 4, 5], scored: 2 },
      truncatedTokens: 1,
      droppedContinuationTokens: 0,
    })
    // continuation exactly max_length long: one context token is left to predict its first token
    expect(requestRow([1, 2], [3, 4, 5], { maxLength: 3 })).toEqual({
      row: { tokens: [2, 3, 4, 5], scored: 3 },
      truncatedTokens: 1,
      droppedContinuationTokens: 0,
    })
    // continuation longer than max_length: its last 3 tokens are scored, 2 reported as dropped
    expect(requestRow([1], [2, 3, 4, 5, 6], { maxLength: 3 })).toEqual({
      row: { tokens: [3, 4, 5, 6], scored: 3 },
      truncatedTokens: 1,
      droppedContinuationTokens: 2,
    })
  })

  test('empty sides are refused', () => {
    expect(() => requestRow([], [1], { maxLength: 4 })).toThrow(/at least one context token/)
    expect(() => requestRow([1], [], { maxLength: 4 })).toThrow(/at least one continuation token/)
    expect(() => requestRow([1], [2], { maxLength: 0 })).toThrow(/maxLength must be a positive integer, got 0/)
  })
})

describe('collation and batching', () => {
  test("lm-eval's Collator order: longest first, ties by token tuple, full ties in input order", () => {
    expect(
      collationOrder([
        [1, 2],
        [3, 4, 5],
        [1, 3],
        [0, 9, 9],
        [1, 2],
      ]),
    ).toEqual([3, 1, 0, 4, 2])
  })

  test('padBatch right-pads the model inputs (all tokens but the last)', () => {
    expect(
      padBatch(
        [
          { tokens: [5, 6, 7, 8], scored: 1 },
          { tokens: [9, 1], scored: 1 },
        ],
        PAD,
      ),
    ).toMatchObject({
      inputIds: [
        [5, 6, 7],
        [9, PAD, PAD],
      ],
      lengths: [3, 1],
      width: 3,
    })
  })

  test('batches follow the collation order and hold at most batchSize rows', async () => {
    const batches: ScoringBatch[] = []
    await scoreLoglikelihoods(REQUESTS, fakeModel(batches), { maxLength: MAX_LENGTH, batchSize: 4, padTokenId: PAD })
    expect(batches.map(b => b.rows.length)).toEqual([4, 2])
    // rows after truncation, longest first: [3,3,3,3,1,2], [5,4,3,2,1,0] (6 each); [1,2,3,4] ×2, [5,6,0,2] (4); [4,2]
    expect(batches.flatMap(b => b.rows.map(row => row.tokens))).toEqual([
      [3, 3, 3, 3, 1, 2],
      [5, 4, 3, 2, 1, 0],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [5, 6, 0, 2],
      [4, 2],
    ])
    expect(batches.map(b => b.width)).toEqual([5, 3])
  })

  test('every request order and batch sizes 1, 3, 16 give the brute-force values in the original order, bit for bit', async () => {
    const expected = REQUESTS.map(r => bruteForce(r.context, r.continuation, MAX_LENGTH))
    const orders = permutations(REQUESTS.map((_, i) => i))
    expect(orders).toHaveLength(720)
    const mismatches: string[] = []
    for (const batchSize of [1, 3, 16]) {
      for (const order of orders) {
        const results = await scoreLoglikelihoods(
          order.map(i => REQUESTS[i]!),
          fakeModel(),
          { maxLength: MAX_LENGTH, batchSize, padTokenId: PAD },
        )
        results.forEach((result, k) => {
          const want = expected[order[k]!]!
          if (result.logLikelihood !== want.logLikelihood || result.isGreedy !== want.isGreedy) {
            mismatches.push(`batch ${batchSize}, order ${order.join('')}, position ${k}`)
          }
        })
      }
    }
    expect(mismatches).toEqual([])
    // the brute force really depends on context: distinct requests give distinct values
    expect(new Set(expected.map(e => e.logLikelihood)).size).toBe(REQUESTS.length)
  })

  test('truncation is counted in the results, never silent', async () => {
    const results = await scoreLoglikelihoods(REQUESTS, fakeModel(), { maxLength: MAX_LENGTH, batchSize: 3, padTokenId: PAD })
    expect(results.map(r => [r.continuationTokens, r.truncatedTokens, r.droppedContinuationTokens])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
      [3, 0, 0],
      [2, 2, 0],
      [7, 1, 2],
      [1, 0, 0],
    ])
  })

  test('a broken scoring callback is named, with the request it failed on', async () => {
    const nanAt =
      (target: number): ScoreBatch =>
      async batch =>
        (await fakeModel()(batch)).map((scores, r) =>
          batch.rows[r]!.tokens.join() === REQUESTS[target]!.context.concat(REQUESTS[target]!.continuation).join()
            ? { ...scores, logProbs: [Number.NaN] }
            : scores,
        )
    const options = { maxLength: MAX_LENGTH, batchSize: 2, padTokenId: PAD }
    await expect(scoreLoglikelihoods(REQUESTS, nanAt(5), options)).rejects.toThrow(/loglikelihood request 5: log-probability NaN at scored token 0/)
    const short: ScoreBatch = async batch => (await fakeModel()(batch)).map(s => ({ logProbs: [], greedy: s.greedy }))
    await expect(scoreLoglikelihoods(REQUESTS, short, options)).rejects.toThrow(/returned 0 log-probs and \d greedy flags for \d scored tokens/)
    const missing: ScoreBatch = async batch => (await fakeModel()(batch)).slice(1)
    await expect(scoreLoglikelihoods(REQUESTS, missing, options)).rejects.toThrow(/returned 1 results for a batch of 2 rows/)
  })

  test('rows and batch sizes are validated', async () => {
    await expect(scoreRows([{ tokens: [1, 2], scored: 2 }], fakeModel(), { batchSize: 1, padTokenId: PAD })).rejects.toThrow(/row 0: scored = 2/)
    await expect(scoreRows([], fakeModel(), { batchSize: 0, padTokenId: PAD })).rejects.toThrow(/batchSize must be a positive integer/)
  })
})

describe('progress', () => {
  test('loglikelihood reports requests after each batch: (done, total), monotone, ending at the total', async () => {
    const calls: [number, number][] = []
    await scoreLoglikelihoods(REQUESTS, fakeModel(), { maxLength: MAX_LENGTH, batchSize: 4, padTokenId: PAD }, (done, total) => calls.push([done, total]))
    expect(calls).toEqual([
      [4, 6],
      [6, 6],
    ])
    for (const batchSize of [1, 3, 16]) {
      const dones: number[] = []
      await scoreLoglikelihoods(REQUESTS, fakeModel(), { maxLength: MAX_LENGTH, batchSize, padTokenId: PAD }, done => dones.push(done))
      expect(dones).toEqual(Array.from({ length: Math.ceil(6 / batchSize) }, (_, k) => Math.min(6, (k + 1) * batchSize)))
    }
  })

  test('reporting progress changes no result', async () => {
    const options = { maxLength: MAX_LENGTH, batchSize: 2, padTokenId: PAD }
    expect(await scoreLoglikelihoods(REQUESTS, fakeModel(), options, () => {})).toEqual(await scoreLoglikelihoods(REQUESTS, fakeModel(), options))
  })

  test('one counter spans several passes and counts input positions; no work reports nothing', async () => {
    const calls: [number, number, number][] = []
    const finished = progressCounter(5, (done, total, tokens) => calls.push([done, total, tokens]))
    await scoreRows(
      [
        { tokens: [1, 2], scored: 1 },
        { tokens: [3, 4], scored: 1 },
      ],
      fakeModel(),
      { batchSize: 1, padTokenId: PAD },
      undefined,
      finished,
    )
    finished(3, 7)
    // Each two-token row runs one input position (the last token is only a target).
    expect(calls).toEqual([
      [1, 5, 1],
      [2, 5, 2],
      [5, 5, 9],
    ])
    const none: number[] = []
    await scoreLoglikelihoods([], fakeModel(), { maxLength: MAX_LENGTH, batchSize: 2, padTokenId: PAD }, done => none.push(done))
    expect(none).toEqual([])
  })
})
