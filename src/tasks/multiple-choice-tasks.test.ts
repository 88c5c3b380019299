/**
 * Every multiple-choice task on hand-written documents: the exact contexts and continuations the spec
 * (lm-eval-spec.md §1) prescribes, written out by hand here.
 */
import { describe, expect, test } from 'vitest'
import { fixtureRows } from '../../test-support/fixture-rows.ts'
import { arcChallenge } from './arc-challenge.ts'
import { arcEasy } from './arc-easy.ts'
import { boolq } from './boolq.ts'
import { hellaswag, hellaswagPreprocess } from './hellaswag.ts'
import { openbookqa } from './openbookqa.ts'
import { piqa } from './piqa.ts'
import { sciq } from './sciq.ts'
import { siqa } from './siqa.ts'
import type { ChoiceDocument } from './task-types.ts'
import { winogrande } from './winogrande.ts'

/** One shared context, continuation i = " " + choice i. */
function shared(context: string, continuations: string[], gold: number) {
  return { requests: continuations.map(continuation => ({ context, continuation })), gold }
}

function shape(doc: ChoiceDocument) {
  return { requests: doc.requests, gold: doc.gold }
}

describe.each([arcEasy, arcChallenge])('$name', task => {
  const docs = fixtureRows[task.name].map(task.toDocument)

  test('letter labels, 4 choices', () => {
    expect(shape(docs[0]!)).toEqual(
      shared('Question: Which gas do plants take in from the air?\nAnswer:', [' oxygen', ' carbon dioxide', ' helium', ' neon'], 1),
    )
  })

  test('numeric labels "1".."4": the answer key is looked up in the labels, not parsed', () => {
    expect(shape(docs[1]!)).toEqual(
      shared('Question: What is the boiling point of water at sea level?\nAnswer:', [' 50 °C', ' 100 °C', ' 150 °C', ' 200 °C'], 1),
    )
  })

  test('a 3-choice and a 5-choice question', () => {
    expect(shape(docs[2]!)).toEqual(shared('Question: Which of these is a mammal?\nAnswer:', [' shark', ' whale', ' trout'], 1))
    expect(shape(docs[3]!)).toEqual(shared('Question: Which planet is closest to the Sun?\nAnswer:', [' Venus', ' Earth', ' Mars', ' Jupiter', ' Mercury'], 4))
  })

  test('acc_norm lengths are those of the bare choice texts', () => {
    expect(docs[3]!.choices).toEqual(['Venus', 'Earth', 'Mars', 'Jupiter', 'Mercury'])
  })

  test('an answer key missing from the labels names the field', () => {
    const row = { ...fixtureRows[task.name][0]!, answerKey: 'E' }
    expect(() => task.toDocument(row)).toThrow('field "answerKey"')
  })

  test('reports acc and acc_norm, version 1.0, test split', () => {
    expect([Object.keys(task.metrics), task.version, task.dataset.split]).toEqual([
      ['acc', 'acc_norm', 'gold_prob', 'gold_margin', 'brier', 'gold_ll_per_token'],
      '1.0',
      'test',
    ])
  })
})

describe('boolq', () => {
  test('adds "?" after the question and scores " no" / " yes"', () => {
    const [first, second] = fixtureRows.boolq.map(boolq.toDocument)
    expect(shape(first!)).toEqual(shared('The Sun is the star at the centre of the Solar System.\nQuestion: is the sun a star?\nAnswer:', [' no', ' yes'], 1))
    expect(shape(second!)).toEqual(shared('Most fish breathe through gills.\nQuestion: do fish have lungs?\nAnswer:', [' no', ' yes'], 0))
    expect([Object.keys(boolq.metrics), boolq.version]).toEqual([['acc', 'gold_prob', 'gold_margin', 'brier', 'gold_ll_per_token'], '2.0'])
  })

  test('a label outside 0..1 names the field', () => {
    expect(() => boolq.toDocument({ ...fixtureRows.boolq[0]!, label: 2 })).toThrow('field "label": gold index 2 is out of range')
  })
})

describe('piqa', () => {
  test('goal as the question, the two solutions as choices', () => {
    expect(shape(piqa.toDocument(fixtureRows.piqa[0]!))).toEqual(
      shared('Question: To dry wet hands,\nAnswer:', [' rub them with a towel.', ' put them in a bucket of water.'], 0),
    )
    expect(shape(piqa.toDocument(fixtureRows.piqa[1]!)).gold).toBe(1)
  })
})

describe('hellaswag', () => {
  const [roof, grill] = fixtureRows.hellaswag.map(hellaswag.toDocument)

  test('ctx_b goes through Python capitalize, which lower-cases the rest of it', () => {
    expect(shape(roof!)).toEqual(
      shared(
        'Roof shingle removal: A man is sitting on a roof. He starts pulling up roofing on a roof.',
        [' is using wrap to wrap a pair of skis.', ' is ripping level tiles off.', " is holding a rubik's cube.", ' starts pulling up roofing on a roof.'],
        3,
      ),
    )
  })

  test('" [title]" becomes ". ", brackets vanish, double spaces collapse once, an empty ctx_b leaves no space', () => {
    expect(shape(grill!)).toEqual(
      shared(
        'Home and Garden. How to clean a grill: How to clean a grill. Heat the grill.',
        [
          // "[step]" removed after stripping leaves a leading space; a run of 3 spaces becomes 2.
          '  Scrub the  grates with a brush.',
          ' Pour water on the coals slowly.',
          '  Wait for it to cool.',
          ' Spray the grill with oil.',
        ],
        0,
      ),
    )
  })

  test('preprocess rule by rule', () => {
    expect(hellaswagPreprocess('  a [title] b  ')).toBe('a. b')
    expect(hellaswagPreprocess('x [y] z [w]')).toBe('x z ')
    expect(hellaswagPreprocess('a   b')).toBe('a  b')
    // `.` does not cross a newline, so this bracket pair survives.
    expect(hellaswagPreprocess('a [b\nc] d')).toBe('a [b\nc] d')
  })

  test('the string label is turned into an int and must pick an ending', () => {
    expect(() => hellaswag.toDocument({ ...fixtureRows.hellaswag[0]!, label: '4' })).toThrow('field "label": gold index 4')
    expect(() => hellaswag.toDocument({ ...fixtureRows.hellaswag[0]!, label: '' })).toThrow('field "label"')
  })
})

describe('winogrande', () => {
  const [trophy, book, help] = fixtureRows.winogrande.map(winogrande.toDocument)

  test('each option completes the prefix; only " " + the rest of the sentence is scored', () => {
    expect(shape(trophy!)).toEqual({
      requests: [
        { context: "The trophy doesn't fit into the suitcase because the trophy", continuation: ' is too large.' },
        { context: "The trophy doesn't fit into the suitcase because the suitcase", continuation: ' is too large.' },
      ],
      gold: 0,
    })
  })

  test('an underscore followed by punctuation scores just " ."', () => {
    expect(book!.requests).toEqual([
      { context: 'Sarah lent her book to Maria, so the book now belongs to Sarah', continuation: ' .' },
      { context: 'Sarah lent her book to Maria, so the book now belongs to Maria', continuation: ' .' },
    ])
  })

  test('the suffix is stripped; answer "2" is index 1', () => {
    expect(help!.requests[1]).toEqual({ context: 'Ian asked Dennis for help because Dennis', continuation: ' was stuck.' })
    expect(winogrande.toDocument({ ...fixtureRows.winogrande[0]!, answer: '2' }).gold).toBe(1)
    expect(() => winogrande.toDocument({ ...fixtureRows.winogrande[0]!, answer: '' })).toThrow('field "answer"')
  })
})

describe('openbookqa', () => {
  test('the raw question stem is the whole context', () => {
    expect(shape(openbookqa.toDocument(fixtureRows.openbookqa[0]!))).toEqual(
      shared(
        'The sun is responsible for',
        [' puppies learning new tricks', ' children growing up and getting old', ' flowers wilting in a vase', ' plants sprouting, blooming and wilting'],
        3,
      ),
    )
  })

  test('an answer key with a leading space is left-stripped before the lookup', () => {
    expect(openbookqa.toDocument(fixtureRows.openbookqa[1]!).gold).toBe(3)
  })
})

describe('siqa', () => {
  test('"Q: context question\\nA:" and label "1".."3" minus one', () => {
    expect(shape(siqa.toDocument(fixtureRows.siqa[0]!))).toEqual(
      shared(
        "Q: Tracy didn't go home that evening and resisted Riley's attacks. What does Tracy need to do before this?\nA:",
        [' make a new plan', ' Go home and see Riley', ' Find somewhere to go'],
        2,
      ),
    )
    expect(siqa.toDocument(fixtureRows.siqa[1]!).gold).toBe(0)
    expect(Object.keys(siqa.metrics)).toEqual(['acc', 'gold_prob', 'gold_margin', 'brier', 'gold_ll_per_token'])
  })
})

describe('every multiple-choice task', () => {
  const choiceTasks = [arcEasy, arcChallenge, boolq, piqa, hellaswag, winogrande, openbookqa, siqa, sciq] as const

  test.each(choiceTasks)('$name: contexts carry no trailing whitespace and continuations start with one space', task => {
    // Spec §2.1: the scorer would move trailing context whitespace into the continuation; these tasks never have any.
    const docs = (fixtureRows[task.name] as readonly never[]).map(row => task.toDocument(row) as ChoiceDocument)
    for (const { requests } of docs) {
      for (const { context, continuation } of requests) {
        expect(context).toBe(context.trimEnd())
        expect(continuation.startsWith(' ')).toBe(true)
      }
    }
  })
})

describe('sciq', () => {
  const [plants, sodium, sound, moon] = fixtureRows.sciq.map(sciq.toDocument)

  test('support, then "\\nQuestion: …\\nAnswer:"; choices are distractor1, 2, 3, then the correct answer, which is gold', () => {
    expect(shape(plants!)).toEqual(
      shared(
        'Plants take in carbon dioxide and release oxygen during photosynthesis.\nQuestion: Which gas do plants release during photosynthesis?\nAnswer:',
        [' nitrogen', ' helium', ' carbon dioxide', ' oxygen'],
        3,
      ),
    )
  })

  test('an empty support leaves the context starting with "\\n"', () => {
    expect(shape(sodium!)).toEqual(shared('\nQuestion: What is the chemical symbol for sodium?\nAnswer:', [' S', ' So', ' Sd', ' Na'], 3))
  })

  test('support is left-stripped only: trailing spaces and newline stay; choices are taken verbatim', () => {
    expect(shape(sound!)).toEqual(
      shared(
        'Sound is a longitudinal wave.  It travels at about 343 m/s at 20 °C.  \n\nQuestion: What kind of wave is sound in air?\nAnswer:',
        [' an electromagnetic wave', " Newton's wave", ' a "transverse" wave ', ' a longitudinal wave'],
        3,
      ),
    )
  })

  test("Python's lstrip: U+001F, U+0085, NBSP and U+3000 go, U+FEFF stays", () => {
    expect(shape(moon!)).toEqual(
      shared('\ufeffThe Moon orbits Earth.\nQuestion: What does the Moon orbit?\nAnswer:', [' the Sun', ' Venus', ' Mars', ' Earth'], 3),
    )
  })

  test('a whitespace-only support renders like an empty one', () => {
    expect(sciq.toDocument({ ...fixtureRows.sciq[0]!, support: ' \n\t ' }).requests[0]!.context).toBe(
      '\nQuestion: Which gas do plants release during photosynthesis?\nAnswer:',
    )
  })

  test('acc_norm lengths are those of the bare choices, a trailing space included', () => {
    expect(sound!.choices).toEqual(['an electromagnetic wave', "Newton's wave", 'a "transverse" wave ', 'a longitudinal wave'])
  })

  test('reports acc and acc_norm, version 1.0, test split, chance 1/4', () => {
    expect([Object.keys(sciq.metrics), sciq.version, sciq.dataset.split, sciq.chance]).toEqual([
      ['acc', 'acc_norm', 'gold_prob', 'gold_margin', 'brier', 'gold_ll_per_token'],
      '1.0',
      'test',
      1 / 4,
    ])
  })
})
