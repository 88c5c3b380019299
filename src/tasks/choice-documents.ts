/** Builders for the two request shapes of lm-eval's multiple-choice tasks (spec §0). */
import { FieldError } from '../hub/file-errors.ts'
import type { ChoiceDocument } from './task-types.ts'

/** lm-eval's target_delimiter: every continuation starts with one space. */
const TARGET_DELIMITER = ' '

/** The usual shape: one context, continuation i = " " + choice i. */
export function choicesAfterContext(context: string, choices: readonly string[], gold: number): ChoiceDocument {
  return {
    requests: choices.map(choice => ({ context, continuation: TARGET_DELIMITER + choice })),
    choices,
    gold,
  }
}

/**
 * lm-eval's "multiple input" shape (WinoGrande partial scoring): the context differs per choice and the
 * continuation " " + target is shared; doc_to_choice returns the contexts, so they are the choices.
 */
export function contextsBeforeTarget(contexts: readonly string[], target: string, gold: number): ChoiceDocument {
  return {
    requests: contexts.map(context => ({ context, continuation: TARGET_DELIMITER + target })),
    choices: contexts,
    gold,
  }
}

/** Checks that `index`, read from `field`, picks one of `count` choices. */
export function choiceIndex(field: string, index: number, count: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new FieldError(field, `gold index ${index} is out of range: there are ${count} choices (0..${count - 1})`)
  }
  return index
}

/** The position of `key` in `labels` (ARC, OpenBookQA answer keys). */
export function labelIndex(field: string, key: string, labels: readonly string[]): number {
  const index = labels.indexOf(key)
  if (index < 0) throw new FieldError(field, `${JSON.stringify(key)} is not one of the labels ${JSON.stringify(labels)}`)
  return index
}
