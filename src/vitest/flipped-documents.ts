/**
 * The documents behind each flagged accuracy comparison, for index.html. The gate records which item indices
 * flipped; their text is looked up here, at report time, from lmscale's task registry, but only when the case
 * ran that very task version (so index i is the document it scored). The choice each side picked is known
 * where the records say it: correctness alone fixes the gold side of a flip, and this run's case file (its
 * per-choice log-likelihoods) fixes the choice it made; the baseline keeps correctness bits only.
 */
import { resolve } from 'node:path'
import type { BaselineReport, Comparison } from '../core/comparison.ts'
import type { CaseEntry, ResultsDocument } from '../core/schema.ts'
import { dataOptionsFromEnv } from '../hub/hub-options.ts'
import type { FlippedDocument, FlippedDocuments } from '../report/html-report.ts'
import type { ChoiceDocument, ChoiceMetric } from '../tasks/task-types.ts'
import { tasks as registry } from '../tasks/registry.ts'
import { caseFilePath, readCaseFile } from './case-store.ts'

/** At most this many flipped documents per comparison and direction are listed. */
const LISTED = 25

const flagged = (c: Comparison) => c.flips !== undefined && (c.verdict === 'regression' || c.verdict === 'improvement')

export async function flippedDocuments(doc: ResultsDocument, baseline: BaselineReport, reportsDir: string): Promise<FlippedDocuments[]> {
  const loaded = new Map<string, Promise<ChoiceDocument[]>>()
  const result: FlippedDocuments[] = []
  for (const study of baseline.studies) {
    for (const comparison of study.comparisons.filter(flagged)) {
      const entry = doc.cases.find(c => c.study === comparison.study && c.model === comparison.model && c.task === comparison.task)
      result.push(await lookUp(comparison, entry, reportsDir, loaded))
    }
  }
  return result
}

async function lookUp(
  comparison: Comparison,
  entry: CaseEntry | undefined,
  reportsDir: string,
  loaded: Map<string, Promise<ChoiceDocument[]>>,
): Promise<FlippedDocuments> {
  const { study, model, task: name, metric } = comparison
  const flips = comparison.flips!
  const base = { study, model, task: name, metric }
  const total = flips.rightToWrong.length + flips.wrongToRight.length
  const task = (registry as Record<string, (typeof registry)[keyof typeof registry]>)[name]
  if (!task || task.kind !== 'multiple_choice' || task.version !== entry?.record?.task.version) {
    const indices = [...flips.rightToWrong, ...flips.wrongToRight].sort((a, b) => a - b)
    return {
      ...base,
      documents: [],
      omitted: 0,
      unavailable: `The case's task is not lmscale's ${name} at this version (another executor's task), so its documents cannot be looked up; flipped item indices: ${indices.slice(0, 50).join(', ')}${indices.length > 50 ? `, … (${indices.length} in all)` : ''}.`,
    }
  }
  let documents = loaded.get(name)
  if (!documents) loaded.set(name, (documents = task.loadDocuments(dataOptionsFromEnv())))
  let docs: ChoiceDocument[]
  try {
    docs = await documents
  } catch (error) {
    // The reports are written regardless: a page without the text beats no page.
    return { ...base, documents: [], omitted: 0, unavailable: `The documents of ${name} could not be loaded: ${(error as Error).message}` }
  }
  const definition = (task.metrics as Record<string, ChoiceMetric>)[metric]
  // This run's per-choice log-likelihoods, when its case file is there (a merged run may not have it).
  const stored = readCaseFile(caseFilePath(resolve(reportsDir), study, model, name), message => console.warn(message))
  const items = stored?.record.model.hash === entry.record.model.hash && stored.record.finishedAt === entry.record.finishedAt ? stored.items : undefined
  const picked = (index: number): number | null => {
    const { ll, tokens } = (items?.[index] as { ll?: number[]; tokens?: number[] } | undefined) ?? {}
    const doc = docs[index]
    if (!ll || !doc || !definition) return null
    // The choice the declared metric credits: the first one that would score 1 were it the gold choice.
    const choice = doc.choices.findIndex((_, c) => definition.perDocument(ll, { ...doc, gold: c }, tokens ?? []) === 1)
    return choice < 0 ? null : choice
  }
  const listed = (indices: readonly number[], direction: FlippedDocument['direction']): FlippedDocument[] =>
    indices.slice(0, LISTED).map(index => {
      const doc = docs[index]!
      const now = picked(index)
      return {
        index,
        direction,
        prompt: doc.requests[0]?.context ?? '',
        choices: doc.choices,
        gold: doc.gold,
        before: direction === 'right→wrong' ? doc.gold : null,
        after: direction === 'wrong→right' ? doc.gold : now,
      }
    })
  const shown = [...listed(flips.rightToWrong, 'right→wrong'), ...listed(flips.wrongToRight, 'wrong→right')]
  return {
    ...base,
    documents: shown,
    omitted: total - shown.length,
    choiceNote: `Baseline choices are known only where the baseline was right (the gold choice): baselines keep correctness bits.${items ? '' : " This run's case file is not here, so its choice is known only where it was right."}`,
  }
}
