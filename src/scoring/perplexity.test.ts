import { describe, expect, test } from 'vitest'
import type { ScoreBatch } from './batching.ts'
import { planNll, rollingLoglikelihoods } from './perplexity.ts'
import { fixedChunkPlan, rollingWindowPlan, slidingWindowPlan } from './windows.ts'

const VOCAB_SIZE = 7
const PAD = 0
const PREFIX = 1

/** A fake causal model: log P(target | prefix) from any rule, computed per position from the padded input. */
function fakeModel(logProb: (prefix: readonly number[], target: number) => number): ScoreBatch {
  return async batch =>
    batch.rows.map((row, r) => {
      const input = batch.inputIds[r]!
      const length = batch.lengths[r]!
      const logProbs: number[] = []
      for (let p = length - row.scored; p < length; p++) {
        logProbs.push(logProb(input.slice(0, p + 1), p + 1 < length ? input[p + 1]! : row.tokens[row.tokens.length - 1]!))
      }
      return { logProbs, greedy: logProbs.map(() => false) }
    })
}

/** A bigram model: the next token depends on the previous one only, so any window with ≥ 1 token of context is exact. */
function bigramLogProb(previous: number, next: number): number {
  const logits = Array.from({ length: VOCAB_SIZE }, (_, v) => ((previous * 5 + v * 3) % 7) / 2)
  const logSum = Math.log(logits.reduce((sum, x) => sum + Math.exp(x), 0))
  return logits[next]! - logSum
}
const bigram = fakeModel((prefix, target) => bigramLogProb(prefix[prefix.length - 1]!, target))

/** The "model" whose log-prob is minus the number of tokens it sees: totals count the context each window gives. */
const contextCounter = fakeModel(prefix => -prefix.length)

function stream(n: number, seed: number): number[] {
  let state = seed
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return 2 + (state % (VOCAB_SIZE - 2))
  })
}

/** Closed form for the bigram model: −Σ log P(t_i | t_{i−1}) over the positions `scored` selects. */
function bigramNll(tokens: readonly number[], scored: (index: number) => boolean, prefix?: number): number {
  let nll = 0
  tokens.forEach((token, i) => {
    if (!scored(i)) return
    const previous = i === 0 ? prefix : tokens[i - 1]
    nll -= bigramLogProb(previous!, token)
  })
  return nll
}

const batch = { padTokenId: PAD }

describe('window plans executed through the batched scorer', () => {
  test('context each token gets, counted by hand (n = 10, L = 4)', async () => {
    const tokens = stream(10, 1)
    // sliding stride 2: t1..t3 see 1,2,3 tokens; then pairs seeing 2,3 (windows begin at 2, 4, 6)
    const sliding = await planNll(tokens, slidingWindowPlan(10, { maxLength: 4, stride: 2 }), contextCounter, { ...batch, batchSize: 3 })
    const window = (start: number, tokens: number, nll: number) => ({ start, tokens, nll })
    expect(sliding).toEqual({ nll: 1 + 2 + 3 + (2 + 3) * 3, tokens: 9, windows: [window(1, 3, 6), window(4, 2, 5), window(6, 2, 5), window(8, 2, 5)] })
    // rolling: t0..t3 see 1..4 (prefix first); t4..t7 see 1..4; t8, t9 see 3, 4 (the last window's extra context)
    const rolling = await planNll(tokens, rollingWindowPlan(10, 4), contextCounter, { ...batch, batchSize: 2, prefixTokenId: PREFIX })
    expect(rolling).toEqual({ nll: 10 + 10 + 3 + 4, tokens: 10, windows: [window(0, 4, 10), window(4, 4, 10), window(8, 2, 7)] })
    // chunks of 4: two chunks, t1..t3 and t5..t7 see 1, 2, 3; t8, t9 dropped
    const chunks = await planNll(tokens, fixedChunkPlan(10, 4), contextCounter, { ...batch, batchSize: 1 })
    expect(chunks).toEqual({ nll: 12, tokens: 6, windows: [window(1, 3, 6), window(5, 3, 6)] })
  })

  test('on a bigram model every plan gives the closed-form NLL, for any batch size', async () => {
    const tokens = stream(300, 7)
    for (const batchSize of [1, 3, 16]) {
      const options = { ...batch, batchSize, prefixTokenId: PREFIX }
      for (const [maxLength, stride] of [
        [64, 32],
        [64, 64],
        [50, 7],
        [400, 100],
      ] as const) {
        const got = await planNll(tokens, slidingWindowPlan(tokens.length, { maxLength, stride }), bigram, options)
        expect(got.tokens).toBe(299)
        expect(got.nll).toBeCloseTo(
          bigramNll(tokens, i => i > 0),
          10,
        )
      }
      const rolling = await planNll(tokens, rollingWindowPlan(tokens.length, 64), bigram, options)
      expect(rolling.tokens).toBe(300)
      expect(rolling.nll).toBeCloseTo(
        bigramNll(tokens, () => true, PREFIX),
        10,
      )
      const chunks = await planNll(tokens, fixedChunkPlan(tokens.length, 64), bigram, options)
      expect(chunks.tokens).toBe(4 * 63)
      expect(chunks.nll).toBeCloseTo(
        bigramNll(tokens, i => i < 256 && i % 64 !== 0),
        10,
      )
    }
  })

  test("MobileLLM's exp(mean of chunk losses) equals the token perplexity of the chunk plan", async () => {
    const tokens = stream(200, 3)
    const chunkLosses = [0, 1, 2].map(c => bigramNll(tokens, i => i > 64 * c && i < 64 * (c + 1)) / 63)
    const mobileLlm = Math.exp(chunkLosses.reduce((a, b) => a + b, 0) / chunkLosses.length)
    const total = await planNll(tokens, fixedChunkPlan(tokens.length, 64), bigram, { ...batch, batchSize: 2 })
    expect(Math.exp(total.nll / total.tokens)).toBeCloseTo(mobileLlm, 12)
  })
})

describe('rollingLoglikelihoods', () => {
  test('per-document log-likelihoods in document order, closed form, identical for any batch size', async () => {
    const documents = [stream(5, 11), stream(130, 12), stream(1, 13), stream(64, 14), stream(65, 15)]
    const expected = documents.map(tokens => -bigramNll(tokens, () => true, PREFIX))
    const runs = await Promise.all(
      [1, 3, 16].map(batchSize => rollingLoglikelihoods(documents, bigram, { ...batch, batchSize, maxLength: 64, prefixTokenId: PREFIX })),
    )
    for (const results of runs) {
      expect(results.map(r => r.tokens)).toEqual([5, 130, 1, 64, 65])
      results.forEach((r, d) => expect(r.logLikelihood).toBeCloseTo(expected[d]!, 10))
      expect(results).toEqual(runs[0])
    }
  })

  test('an empty document is a clear error naming it', async () => {
    await expect(rollingLoglikelihoods([[3, 4], []], bigram, { ...batch, batchSize: 2, maxLength: 8, prefixTokenId: PREFIX })).rejects.toThrow(
      /document 1: .*empty document/,
    )
  })
})

describe('progress counts windows', () => {
  test('planNll: one report per batch, monotone, ending at the window count', async () => {
    const tokens = stream(300, 7)
    const plan = slidingWindowPlan(tokens.length, { maxLength: 64, stride: 32 })
    const calls: [number, number][] = []
    const total = await planNll(tokens, plan, bigram, { ...batch, batchSize: 3 }, (done, all) => calls.push([done, all]))
    expect(plan).toHaveLength(9)
    expect(calls).toEqual([
      [3, 9],
      [6, 9],
      [9, 9],
    ])
    expect(total).toEqual(await planNll(tokens, plan, bigram, { ...batch, batchSize: 3 }))
  })

  test('rollingLoglikelihoods: windows of every document, batched together', async () => {
    const documents = [stream(5, 11), stream(130, 12), stream(65, 15)]
    const windows = documents.reduce((sum, tokens) => sum + rollingWindowPlan(tokens.length, 64).length, 0)
    const calls: [number, number][] = []
    const options = { ...batch, batchSize: 2, maxLength: 64, prefixTokenId: PREFIX }
    const results = await rollingLoglikelihoods(documents, bigram, options, (done, total) => calls.push([done, total]))
    expect(windows).toBe(6)
    expect(calls).toEqual([
      [2, 6],
      [4, 6],
      [6, 6],
    ])
    expect(results).toEqual(await rollingLoglikelihoods(documents, bigram, options))
  })
})
