/**
 * A case's per-item records in compact form: correctness bits of every per-item accuracy metric the task
 * declares (for the paired test), float32 values of its continuous per-item metrics and the items' clusters, or each
 * rolling document's or perplexity window's NLL and units (for paired intervals), and a digest of every per-item
 * number (for exact comparison).
 */
import { canonicalHash } from '../core/canonical-hash.ts'
import type { CaseItems, JsonValue } from '../core/executor.ts'
import type { ItemDigest } from '../core/schema.ts'
import type { MetricInfo } from '../core/task-info.ts'
import { encodeBits, encodeFloats } from '../core/bitset.ts'

export function digestItems(records: CaseItems, metrics: Readonly<Record<string, MetricInfo>>): ItemDigest {
  const sha256 = canonicalHash(records.items as readonly JsonValue[])
  const correct: Record<string, string> = {}
  const values: Record<string, string> = {}
  if (records.kind === 'choice') {
    for (const [name, metric] of Object.entries(metrics)) {
      if (metric.aggregation !== 'mean') continue
      if (metric.kind === 'accuracy') correct[name] = encodeBits(records.items.map(item => item[name] === 1))
      else values[name] = encodeFloats(records.items.map(item => item[name] as number))
    }
  }
  if (records.kind === 'rolling') {
    // Per document: NLL and the units perplexities divide by, for a paired interval of the perplexity ratio.
    values.nll = encodeFloats(records.items.map(item => -item.ll))
    values.words = encodeFloats(records.items.map(item => item.words))
    values.bytes = encodeFloats(records.items.map(item => item.bytes))
  }
  if (records.kind === 'token_perplexity') {
    // Per window, in stream order: NLL and tokens scored, for a paired block-bootstrap interval of the perplexity ratio.
    values.nll = encodeFloats(records.items.map(item => item.nll))
    values.tokens = encodeFloats(records.items.map(item => item.tokens))
  }
  const clusters =
    records.kind === 'choice' && records.items.every(item => typeof item.cluster === 'number') ? records.items.map(item => item.cluster as number) : []
  return {
    kind: records.kind,
    n: records.items.length,
    correct,
    ...(Object.keys(values).length ? { values } : {}),
    ...(clusters.length ? { clusters } : {}),
    sha256,
  }
}
