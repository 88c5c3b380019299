import { describe, expect, test } from 'vitest'
import {
  fixedChunkPlan,
  methodWindowLength,
  methodWindows,
  PREFIX_POSITION,
  rollingWindowPlan,
  slidingWindowPlan,
  windowRow,
  type ScoringWindow,
} from './windows.ts'

/** How many times each stream position is scored by a plan. */
function coverage(plan: readonly ScoringWindow[], tokenCount: number): number[] {
  const counts = new Array<number>(tokenCount).fill(0)
  for (const window of plan) {
    for (let t = window.scoredStart; t < window.scoredEnd; t++) counts[t]!++
  }
  return counts
}

/** Problems with the shape every plan must have, whatever its method (plain checks: thousands of plans). */
function shapeProblems(plan: readonly ScoringWindow[], maxLength: number, label: string): string[] {
  return plan.flatMap((w, i) => {
    const ok =
      w.inputEnd === w.scoredEnd - 1 &&
      w.inputStart >= PREFIX_POSITION &&
      w.inputStart < w.scoredStart &&
      w.scoredEnd > w.scoredStart &&
      w.inputEnd - w.inputStart <= maxLength
    return ok ? [] : [`${label} window ${i}: ${JSON.stringify(w)}`]
  })
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])

const win = (inputStart: number, inputEnd: number, scoredStart: number, scoredEnd: number): ScoringWindow => ({
  inputStart,
  inputEnd,
  scoredStart,
  scoredEnd,
})

describe('slidingWindowPlan (Hugging Face docs loop)', () => {
  test('hand-computed plans: stride < window, stride = window, short last window, short sequence', () => {
    // n=10, L=4, stride 2: begins 0,2,4,6; ends 4,6,8,10; scored (prev_end..end]
    expect(slidingWindowPlan(10, { maxLength: 4, stride: 2 })).toEqual([win(0, 3, 1, 4), win(2, 5, 4, 6), win(4, 7, 6, 8), win(6, 9, 8, 10)])
    // stride = window: each later window starts one token early so its first token has a predictor
    expect(slidingWindowPlan(10, { maxLength: 4, stride: 4 })).toEqual([win(0, 3, 1, 4), win(3, 7, 4, 8), win(7, 9, 8, 10)])
    // n=9, L=4, stride 3: the last window scores 2 tokens, fewer than the stride
    expect(slidingWindowPlan(9, { maxLength: 4, stride: 3 })).toEqual([win(0, 3, 1, 4), win(3, 6, 4, 7), win(6, 8, 7, 9)])
    // shorter than one window: one window, every token but the first
    expect(slidingWindowPlan(3, { maxLength: 4, stride: 2 })).toEqual([win(0, 2, 1, 3)])
  })

  test('the prior study setting 1024/512 on 2000 tokens', () => {
    expect(slidingWindowPlan(2000, { maxLength: 1024, stride: 512 })).toEqual([win(0, 1023, 1, 1024), win(512, 1535, 1024, 1536), win(1024, 1999, 1536, 2000)])
  })

  test('every token after the first is scored exactly once, with at least maxLength − stride tokens of context', () => {
    const problems: string[] = []
    let plans = 0
    for (let n = 2; n <= 70; n++) {
      for (let maxLength = 1; maxLength <= 12; maxLength++) {
        for (let stride = 1; stride <= maxLength; stride++) {
          const label = `n=${n} L=${maxLength} stride=${stride}`
          const plan = slidingWindowPlan(n, { maxLength, stride })
          problems.push(...shapeProblems(plan, maxLength, label))
          if (!same(coverage(plan, n), [0, ...new Array<number>(n - 1).fill(1)])) problems.push(`${label}: coverage`)
          for (const w of plan) {
            for (let t = w.scoredStart; t < w.scoredEnd; t++) {
              if (t - w.inputStart < Math.max(1, Math.min(t, maxLength - stride))) problems.push(`${label}: context of token ${t}`)
            }
            // stride < window: exactly the docs' window, begin a multiple of the stride and end = min(begin + L, n)
            if (stride < maxLength && (w.inputStart % stride !== 0 || w.scoredEnd !== Math.min(w.inputStart + maxLength, n))) {
              problems.push(`${label}: not the docs' window ${JSON.stringify(w)}`)
            }
          }
          plans++
        }
      }
    }
    expect(problems).toEqual([])
    expect(plans).toBe(69 * 78)
  })

  test('bad settings are refused with the reason', () => {
    expect(() => slidingWindowPlan(10, { maxLength: 4, stride: 5 })).toThrow(/stride 5 is larger than maxLength 4/)
    expect(() => slidingWindowPlan(1, { maxLength: 4, stride: 2 })).toThrow(/at least 2 tokens/)
    expect(() => slidingWindowPlan(10, { maxLength: 0, stride: 1 })).toThrow(/maxLength must be an integer ≥ 1, got 0/)
    expect(() => slidingWindowPlan(10, { maxLength: 4, stride: 1.5 })).toThrow(/stride/)
  })
})

describe('rollingWindowPlan (lm-eval loglikelihood_rolling)', () => {
  test('the spec §2.4 example: L = 2048, 5000 tokens', () => {
    const plan = rollingWindowPlan(5000, 2048)
    expect(plan.map(w => w.scoredEnd - w.scoredStart)).toEqual([2048, 2048, 904])
    expect(plan[0]).toEqual(win(PREFIX_POSITION, 2047, 0, 2048)) // [prefix] + tokens[0:2047]
    expect(plan[1]).toEqual(win(2047, 4095, 2048, 4096))
    expect(plan[2]).toEqual(win(2951, 4999, 4096, 5000)) // input tokens[2951:4999], 2048 tokens
  })

  test('hand-computed small plans', () => {
    expect(rollingWindowPlan(3, 4)).toEqual([win(-1, 2, 0, 3)])
    expect(rollingWindowPlan(4, 4)).toEqual([win(-1, 3, 0, 4)])
    // n=10, L=4: predicts 4, 4, 2; the last window takes tokens[5:9] as input
    expect(rollingWindowPlan(10, 4)).toEqual([win(-1, 3, 0, 4), win(3, 7, 4, 8), win(5, 9, 8, 10)])
    expect(rollingWindowPlan(3, 1)).toEqual([win(-1, 0, 0, 1), win(0, 1, 1, 2), win(1, 2, 2, 3)])
  })

  test('every token is scored exactly once; windows after the first see exactly maxLength inputs', () => {
    const problems: string[] = []
    for (let n = 1; n <= 70; n++) {
      for (let maxLength = 1; maxLength <= 16; maxLength++) {
        const label = `n=${n} L=${maxLength}`
        const plan = rollingWindowPlan(n, maxLength)
        problems.push(...shapeProblems(plan, maxLength, label))
        if (!same(coverage(plan, n), new Array<number>(n).fill(1))) problems.push(`${label}: coverage`)
        if (plan[0]!.inputStart !== PREFIX_POSITION || plan[0]!.scoredEnd !== Math.min(n, maxLength)) problems.push(`${label}: first window`)
        if (plan.slice(1).some(w => w.inputEnd - w.inputStart !== maxLength)) problems.push(`${label}: a later window is not full`)
        if (plan.slice(1, -1).some(w => w.scoredEnd - w.scoredStart !== maxLength)) problems.push(`${label}: a middle window scores < L`)
      }
    }
    expect(problems).toEqual([])
  })

  test('an empty document is refused', () => {
    expect(() => rollingWindowPlan(0, 2048)).toThrow(/empty document/)
  })
})

describe('fixedChunkPlan (MobileLLM eval.py)', () => {
  test('2048-token chunks: remainder dropped, 2047 shifted targets per chunk', () => {
    const plan = fixedChunkPlan(5000, 2048)
    expect(plan).toEqual([win(0, 2047, 1, 2048), win(2048, 4095, 2049, 4096)])
    expect(plan.reduce((sum, w) => sum + w.scoredEnd - w.scoredStart, 0)).toBe(2 * 2047)
  })

  test('stride = window by construction: exactly the non-first tokens of full chunks, once each', () => {
    const problems: string[] = []
    for (let n = 2; n <= 70; n++) {
      for (let chunk = 2; chunk <= Math.min(n, 16); chunk++) {
        const label = `n=${n} chunk=${chunk}`
        const plan = fixedChunkPlan(n, chunk)
        problems.push(...shapeProblems(plan, chunk - 1, label))
        const fullChunks = Math.floor(n / chunk)
        if (plan.length !== fullChunks) problems.push(`${label}: ${plan.length} chunks`)
        const expected = Array.from({ length: n }, (_, t) => (t < fullChunks * chunk && t % chunk !== 0 ? 1 : 0))
        if (!same(coverage(plan, n), expected)) problems.push(`${label}: coverage`)
      }
    }
    expect(problems).toEqual([])
  })

  test('a sequence shorter than one chunk is refused, not scored as zero tokens', () => {
    expect(() => fixedChunkPlan(1500, 2048)).toThrow(/shorter than one 2048-token chunk/)
  })
})

describe('declared window methods', () => {
  test('a method names its plan and its window length', () => {
    expect(methodWindows(300, { type: 'sliding', maxLength: 64, stride: 32 })).toEqual(slidingWindowPlan(300, { maxLength: 64, stride: 32 }))
    expect(methodWindows(300, { type: 'chunks', length: 64 })).toEqual(fixedChunkPlan(300, 64))
    expect(methodWindowLength({ type: 'sliding', maxLength: 64, stride: 32 })).toBe(64)
    expect(methodWindowLength({ type: 'chunks', length: 128 })).toBe(128)
  })
})

describe('windowRow', () => {
  const tokens = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]

  test('a stream window feeds stream[inputStart, inputEnd) and scores its last tokens', () => {
    expect(windowRow(tokens, win(5, 9, 8, 10))).toEqual({ tokens: [15, 16, 17, 18, 19], scored: 2 })
    expect(windowRow(tokens, win(0, 3, 1, 4))).toEqual({ tokens: [10, 11, 12, 13], scored: 3 })
  })

  test('position −1 is the prefix token', () => {
    expect(windowRow(tokens, win(-1, 3, 0, 4), 1)).toEqual({ tokens: [1, 10, 11, 12, 13], scored: 4 })
    expect(() => windowRow(tokens, win(-1, 3, 0, 4))).toThrow(/prefixTokenId/)
  })

  test('a window past the stream is refused', () => {
    expect(() => windowRow(tokens, win(8, 10, 9, 11))).toThrow(/ends at token 11 but the stream has 10 tokens/)
  })
})
