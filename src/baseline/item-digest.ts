/**
 * A case's per-item records in compact form: correctness bits of every per-item accuracy metric the task
 * declares (for the paired test) and a digest of every per-item number (for exact comparison).
 */
import { canonicalHash } from '../core/canonical-hash.ts'
import type { CaseItems, JsonValue } from '../core/executor.ts'
import type { ItemDigest } from '../core/schema.ts'
import type { MetricInfo } from '../core/task-info.ts'
import { encodeBits } from './bitset.ts'

export function digestItems(records: CaseItems, metrics: Readonly<Record<string, MetricInfo>>): ItemDigest {
  const sha256 = canonicalHash(records.items as readonly JsonValue[])
  const correct: Record<string, string> = {}
  if (records.kind === 'choice') {
    for (const [name, metric] of Object.entries(metrics)) {
      if (metric.kind === 'accuracy' && metric.aggregation === 'mean') correct[name] = encodeBits(records.items.map(item => item[name] === 1))
    }
  }
  return { kind: records.kind, n: records.items.length, correct, sha256 }
}
