/**
 * The one list of a throughput record's phases, each with a stable name: the gate compares, the baseline
 * stores and the plots draw each phase once (the headline prefill and decode rates are the curves' first
 * points, so they are listed only when the record has no curve).
 */
import type { CaseEntry, RateRecord, ThroughputRecord } from './schema.ts'

export interface NamedRate {
  /** e.g. `scoring`, `prefill@512`, `decode@128`, `batchedDecode`. */
  readonly phase: string
  readonly rate: RateRecord
}

export function namedRates(record: ThroughputRecord): NamedRate[] {
  const phases: NamedRate[] = []
  const add = (phase: string, rate: RateRecord | undefined) => {
    if (rate) phases.push({ phase, rate })
  }
  add('scoring', record.scoring)
  if (record.prefillByLength?.length) for (const rate of record.prefillByLength) add(`prefill@${rate.length}`, rate)
  else add('prefill', record.prefill)
  if (record.decodeByContext?.length) for (const rate of record.decodeByContext) add(`decode@${rate.context}`, rate)
  else add('decodeCached', record.decodeCached)
  add('batchedDecode', record.batchedDecode)
  add('decodeNoCache', record.decodeNoCache)
  return phases
}

/** Whether this case timed its model's throughput (the model's other cases carry a copy); older records timed their own. */
export function timedHere(entry: Pick<CaseEntry, 'name' | 'record'>): boolean {
  const measuredIn = entry.record?.throughput?.measuredIn
  return measuredIn === undefined || measuredIn === entry.name
}
