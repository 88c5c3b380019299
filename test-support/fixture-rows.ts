/**
 * Hand-written documents in each task's exact hub schema, chosen to exercise every quirk of the spec
 * (capitalize, " [title]", brackets, runs of spaces, WinoGrande's "_" before punctuation, a padded OpenBookQA
 * answer key, ARC's numeric labels and 3- or 5-choice questions, SciQ's support whitespace, the WikiText
 * detokenizer rules, pages with leading and trailing whitespace). The task tests pin the strings these must produce.
 */
import type { RowOf } from '../src/data/column-schema.ts'
import type { arcColumns } from '../src/tasks/arc-document.ts'
import type { HubTaskName, tasks } from '../src/tasks/registry.ts'
import type { wikitext2RawLinesColumns } from '../src/tasks/wikitext2-raw-lines.ts'

export type FixtureRows = { readonly [Name in HubTaskName]: readonly RowOf<(typeof tasks)[Name]['columns']>[] }

const arcRows = (prefix: string): RowOf<typeof arcColumns>[] => [
  {
    id: `${prefix}_1`,
    question: 'Which gas do plants take in from the air?',
    choices: { text: ['oxygen', 'carbon dioxide', 'helium', 'neon'], label: ['A', 'B', 'C', 'D'] },
    answerKey: 'B',
  },
  {
    id: `${prefix}_2`,
    question: 'What is the boiling point of water at sea level?',
    choices: { text: ['50 °C', '100 °C', '150 °C', '200 °C'], label: ['1', '2', '3', '4'] },
    answerKey: '2',
  },
  {
    id: `${prefix}_3`,
    question: 'Which of these is a mammal?',
    choices: { text: ['shark', 'whale', 'trout'], label: ['A', 'B', 'C'] },
    answerKey: 'B',
  },
  {
    id: `${prefix}_4`,
    question: 'Which planet is closest to the Sun?',
    choices: { text: ['Venus', 'Earth', 'Mars', 'Jupiter', 'Mercury'], label: ['A', 'B', 'C', 'D', 'E'] },
    answerKey: 'E',
  },
]

export const fixtureRows: FixtureRows = {
  arc_easy: arcRows('Easy'),
  arc_challenge: arcRows('Challenge'),
  boolq: [
    { question: 'is the sun a star', passage: 'The Sun is the star at the centre of the Solar System.', idx: 0, label: 1 },
    { question: 'do fish have lungs', passage: 'Most fish breathe through gills.', idx: 1, label: 0 },
  ],
  piqa: [
    { goal: 'To dry wet hands,', sol1: 'rub them with a towel.', sol2: 'put them in a bucket of water.', label: 0 },
    { goal: 'Keep bread fresh', sol1: 'Leave it in the sun.', sol2: 'Store it in a sealed bag.', label: 1 },
  ],
  hellaswag: [
    {
      ind: 24,
      activity_label: 'Roof shingle removal',
      ctx_a: 'A man is sitting on a roof.',
      ctx_b: 'he STARTS pulling up ROOFING on a roof.',
      ctx: 'A man is sitting on a roof. he STARTS pulling up ROOFING on a roof.',
      endings: ['is using wrap to wrap a pair of skis.', 'is ripping level tiles off.', "is holding a rubik's cube.", 'starts pulling up roofing on a roof.'],
      source_id: 'activitynet~v_-JhWjGDPHMY',
      split: 'val',
      split_type: 'indomain',
      label: '3',
    },
    {
      ind: 92,
      activity_label: 'Home and Garden [title] How to clean a grill',
      ctx_a: '[header] How to clean a grill [title] Heat the grill.',
      ctx_b: '',
      ctx: '[header] How to clean a grill [title] Heat the grill. ',
      endings: [
        '[step] Scrub the   grates with a brush.',
        ' Pour  water on the coals [substeps] slowly. ',
        '[title] Wait for it to cool.',
        'Spray the grill [step] with oil.',
      ],
      source_id: 'wikihow~17',
      split: 'val',
      split_type: 'zeroshot',
      label: '0',
    },
  ],
  winogrande: [
    {
      sentence: "The trophy doesn't fit into the suitcase because the _ is too large.",
      option1: 'trophy',
      option2: 'suitcase',
      answer: '1',
    },
    {
      sentence: 'Sarah lent her book to Maria, so the book now belongs to _.',
      option1: 'Sarah',
      option2: 'Maria',
      answer: '1',
    },
    {
      sentence: 'Ian asked Dennis for help because _ was stuck.  ',
      option1: 'Ian',
      option2: 'Dennis',
      answer: '1',
    },
  ],
  openbookqa: [
    {
      id: '7-980',
      question_stem: 'The sun is responsible for',
      choices: {
        text: ['puppies learning new tricks', 'children growing up and getting old', 'flowers wilting in a vase', 'plants sprouting, blooming and wilting'],
        label: ['A', 'B', 'C', 'D'],
      },
      answerKey: 'D',
    },
    {
      id: '7-584',
      question_stem: 'When standing miles away from Mount Rushmore',
      choices: {
        text: [
          'the mountains seem very close',
          'the mountains are boring',
          'the mountains look the same as from up close',
          'the mountains seem smaller than in photographs',
        ],
        label: ['A', 'B', 'C', 'D'],
      },
      answerKey: ' D',
    },
  ],
  siqa: [
    {
      context: "Tracy didn't go home that evening and resisted Riley's attacks.",
      question: 'What does Tracy need to do before this?',
      answerA: 'make a new plan',
      answerB: 'Go home and see Riley',
      answerC: 'Find somewhere to go',
      label: '3',
    },
    {
      context: 'Sydney walked past a homeless woman asking for change.',
      question: 'How would you describe Sydney?',
      answerA: 'sympathetic',
      answerB: 'like a person who was unable to help',
      answerC: 'incredulous',
      label: '1',
    },
  ],
  sciq: [
    {
      question: 'Which gas do plants release during photosynthesis?',
      distractor3: 'carbon dioxide',
      distractor1: 'nitrogen',
      distractor2: 'helium',
      correct_answer: 'oxygen',
      support: 'Plants take in carbon dioxide and release oxygen during photosynthesis.',
    },
    {
      // Empty support, as in many real SciQ rows: the context starts with "\n".
      question: 'What is the chemical symbol for sodium?',
      distractor3: 'Sd',
      distractor1: 'S',
      distractor2: 'So',
      correct_answer: 'Na',
      support: '',
    },
    {
      // Leading newlines, spaces and a tab go; the inner double space and the trailing "  \n" stay.
      // Choices with quotes, an apostrophe and a trailing space are taken verbatim.
      question: 'What kind of wave is sound in air?',
      distractor3: 'a "transverse" wave ',
      distractor1: 'an electromagnetic wave',
      distractor2: "Newton's wave",
      correct_answer: 'a longitudinal wave',
      support: '\n\n  \tSound is a longitudinal wave.  It travels at about 343 m/s at 20 °C.  \n',
    },
    {
      // Python's str.lstrip: U+001F, U+0085, NBSP and U+3000 are whitespace, U+FEFF is not. JS trimStart
      // would stop at once at U+001F, and would strip U+FEFF.
      question: 'What does the Moon orbit?',
      distractor3: 'Mars',
      distractor1: 'the Sun',
      distractor2: 'Venus',
      correct_answer: 'Earth',
      support: '\x1f\x85\u00a0\u3000\ufeffThe Moon orbits Earth.',
    },
  ],

  wikitext: [
    {
      page: ' = Robert Boulter = \n \n Robert Boulter is an English film , television and theatre actor . He had a guest @-@ starring role in 2000 , the first of 1 @,@ 200 episodes ( so far ) . \n \n = = Career = = \n \n He was paid 2 @.@ 5 million ; was it " a lot " ? Yes ! \n',
    },
    {
      page: " = Tropical Storm = \n \n The storm 's winds peaked at 40 ° C . It was the writers ' favourite [ citation ] and { sic } ' quoted ' . \n \n = = = Impact = = = \n \n Damage was N dollars : small . \n",
    },
  ],
}

/** WikiText-2 raw test rows, line level: lines keep their spaces and "\n"; blank lines are empty strings. */
export const fixtureWikitextLines: readonly RowOf<typeof wikitext2RawLinesColumns>[] = [
  { text: '' },
  { text: ' = Robert Boulter = \n' },
  { text: '' },
  { text: ' Robert Boulter is an English film , television and theatre actor . \n' },
]
