/** Hand-built results for report tests: every figure is written out in the test that uses it. */
import type { CaseEntry, CaseRecord, EnvironmentStamp, RateRecord, ResultsDocument } from '../src/core/schema.ts'
import { RESULTS_SCHEMA_VERSION } from '../src/core/schema.ts'

const ACCURACY = { direction: 'higher', kind: 'accuracy', aggregation: 'mean' } as const
const perplexity = (unit: 'token' | 'word' | 'byte') => ({ direction: 'lower', kind: 'perplexity', aggregation: 'corpus', unit }) as const

/** Two fixture-like tasks: a perplexity task with byte, word and token perplexities, and a four-choice task. */
export const declaredTasks = {
  heldout: {
    kind: 'loglikelihood_rolling',
    chance: null,
    metrics: { byte_perplexity: perplexity('byte'), word_perplexity: perplexity('word'), perplexity: perplexity('token') },
  },
  choice: { kind: 'multiple_choice', chance: 0.25, metrics: { acc: ACCURACY, acc_norm: ACCURACY } },
} as const

/** A plausible environment stamp for records built by hand. */
export const testEnvironment: EnvironmentStamp = {
  node: 'v20',
  platform: 'linux',
  arch: 'x64',
  onnxruntime: null,
  executionProvider: 'cpu',
  cpu: 'c',
  cpuCount: 2,
  gpu: null,
  threads: null,
  lmscale: '0.1.0',
  vitest: '4.1.12',
  gitCommit: null,
}

export const rate = (tokensPerSecond: number): RateRecord => ({
  tokensPerSecond,
  tokensPerCall: 100,
  meanMs: 100_000 / tokensPerSecond,
  p50Ms: 1,
  p99Ms: 2,
  rme: 1,
  samples: 5,
})

export interface CaseSpec {
  readonly study?: string
  readonly model: string
  readonly parameters: number
  readonly task: keyof typeof declaredTasks
  readonly metrics: CaseRecord['metrics']
  readonly n?: number
  readonly scoring?: number
  readonly decode?: number
}

export function caseEntry(spec: CaseSpec): CaseEntry {
  const study = spec.study ?? 'study'
  const task = declaredTasks[spec.task]
  const record: CaseRecord = {
    study,
    model: {
      name: spec.model,
      source: `/${spec.model}`,
      revision: null,
      hash: `h-${spec.model}`,
      parameters: { total: spec.parameters, embedding: spec.parameters / 4, nonEmbedding: (spec.parameters * 3) / 4 },
    },
    task: { name: spec.task, version: '1', kind: task.kind, chance: task.chance, metrics: task.metrics },
    options: { device: 'cpu', dtype: 'fp32', threads: null, limit: null },
    optionsHash: 'o',
    n: spec.n ?? 400,
    metrics: spec.metrics,
    throughput: spec.scoring === undefined ? null : { scoring: rate(spec.scoring), ...(spec.decode === undefined ? {} : { decodeCached: rate(spec.decode) }) },
    resources: { peakRssBytes: 256 * 1024 * 1024, gpuMemoryBytes: null },
    timing: { evaluateMs: 1000, throughputMs: 500, caseMs: 1500 },
    environment: testEnvironment,
    finishedAt: '2026-01-01T00:00:00.000Z',
  }
  return {
    study,
    model: spec.model,
    task: spec.task,
    name: `${spec.model} › ${spec.task}`,
    file: 'benchmarks/x.bench.ts',
    state: 'passed',
    resumed: false,
    errors: [],
    bands: [],
    record,
  }
}

export function resultsDocument(cases: readonly CaseEntry[], mode = 'benchmark'): ResultsDocument {
  return { schemaVersion: RESULTS_SCHEMA_VERSION, generatedAt: '2026-01-01T00:00:00.000Z', vitest: { version: '4.1.12', mode }, cases: [...cases] }
}
