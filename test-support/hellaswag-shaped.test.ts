import { expect, test } from 'vitest'
import { hellaSwagShapedRequests } from './hellaswag-shaped.ts'

// A stand-in tokenizer: one token per character, so the token counts can be checked by hand.
const characters = { encode: (text: string) => Array.from(text, c => c.charCodeAt(0)) }

test('documents × choices requests; each context reaches 40 tokens and each choice 12, as whole words', () => {
  const text = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ')
  const requests = hellaSwagShapedRequests(text, characters, { documents: 3 })
  expect(requests).toHaveLength(12)
  for (let d = 0; d < 3; d++) {
    const group = requests.slice(d * 4, d * 4 + 4)
    expect(new Set(group.map(r => r.context)).size).toBe(1)
    expect(` ${group[0]!.context}`.length).toBeGreaterThanOrEqual(40)
    expect(` ${group[0]!.context}`.length).toBeLessThan(40 + 5)
    for (const r of group) {
      expect(r.continuation.length).toBeGreaterThanOrEqual(12)
      expect(r.continuation).toMatch(/^ w\d+( w\d+)*$/)
    }
  }
  expect(() => hellaSwagShapedRequests('too few words', characters, { documents: 1 })).toThrow(/too few words/)
})
