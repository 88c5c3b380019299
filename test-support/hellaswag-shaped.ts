/**
 * Multiple-choice requests shaped like HellaSwag's (a context of about 40 tokens, 4 endings of about 12),
 * cut from a text so that token counts are real: each span grows word by word until it reaches its length.
 */
import type { TokenEncoder } from '../src/scoring/encode.ts'
import type { LoglikelihoodRequest } from '../src/scoring/scorer.ts'

export interface MultipleChoiceShape {
  readonly documents: number
  readonly contextTokens?: number
  readonly choices?: number
  readonly choiceTokens?: number
}

/** `documents × choices` requests, the choices of a document adjacent and sharing its context string. */
export function hellaSwagShapedRequests(text: string, tokenizer: TokenEncoder, shape: MultipleChoiceShape): LoglikelihoodRequest[] {
  const { documents, contextTokens = 40, choices = 4, choiceTokens = 12 } = shape
  const words = text.split(/\s+/).filter(Boolean)
  let cursor = 0
  const span = (tokens: number): string => {
    const taken: string[] = []
    while (tokenizer.encode(` ${taken.join(' ')}`, { addSpecialTokens: false }).length < tokens) {
      if (cursor >= words.length) throw new Error(`the text has too few words for ${documents} HellaSwag-shaped documents`)
      taken.push(words[cursor++]!)
    }
    return taken.join(' ')
  }
  const requests: LoglikelihoodRequest[] = []
  for (let d = 0; d < documents; d++) {
    const context = span(contextTokens)
    for (let c = 0; c < choices; c++) requests.push({ context, continuation: ` ${span(choiceTokens)}` })
  }
  return requests
}
