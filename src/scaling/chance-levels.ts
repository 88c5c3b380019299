// Chance accuracy of uniform random guessing per task (1 / number of choices), the floor of the sigmoid.
// BoolQ's floor is 0.5 for a random guesser even though always answering "yes" scores about 0.62 on the
// validation split; pass an override if a majority-class floor is wanted.

export const CHANCE_LEVELS: Readonly<Record<string, number>> = {
  arc_easy: 1 / 4,
  arc_challenge: 1 / 4,
  boolq: 1 / 2,
  piqa: 1 / 2,
  siqa: 1 / 3,
  hellaswag: 1 / 4,
  openbookqa: 1 / 4,
  winogrande: 1 / 2,
}

/** Majority-class accuracy where it differs notably from chance (approximate, validation split). */
export const MAJORITY_BASELINES: Readonly<Record<string, number>> = { boolq: 0.62 }

export function chanceLevelFor(task: string, overrides: Readonly<Record<string, number>> = {}): { chance: number; source: 'option' | 'table' } {
  const override = overrides[task]
  if (override !== undefined) {
    if (!(override >= 0 && override < 1)) throw new Error(`chanceLevels.${task}: must be in [0, 1), got ${override}`)
    return { chance: override, source: 'option' }
  }
  const known = CHANCE_LEVELS[task]
  if (known === undefined) {
    throw new Error(`No chance level for task "${task}": pass options.chanceLevels.${task} (known tasks: ${Object.keys(CHANCE_LEVELS).join(', ')})`)
  }
  return { chance: known, source: 'table' }
}
