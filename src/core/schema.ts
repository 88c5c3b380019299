/**
 * The one results schema (versioned): a case file under reports/cases/ holds one CaseRecord, results.json
 * holds every case. Bump RESULTS_SCHEMA_VERSION on any incompatible change.
 */
import { z } from 'zod'
import type { JsonValue } from './executor.ts'
import { METRIC_KINDS } from './task-info.ts'

export const RESULTS_SCHEMA_VERSION = 2

/** Any JSON value, typed as lmscale's readonly JsonValue. */
const json = z.json() as unknown as z.ZodType<JsonValue>

const finite = z.number().refine(Number.isFinite, 'must be a finite number')

/** Where a model runs and the weights it loads: one list for study options, plugin options and records. */
export const deviceSchema = z.enum(['cpu', 'cuda'])
export const dtypeSchema = z.enum(['fp32', 'fp16', 'q8', 'q4', 'q4f16'])

/** An expected range for a metric: bounds (inclusive), or a value with a relative tolerance. */
export const bandSchema = z.union([
  z.strictObject({ min: finite, max: finite.optional() }),
  z.strictObject({ min: finite.optional(), max: finite }),
  z.strictObject({ near: finite, relative: z.number().positive() }),
])

export const metricValueSchema = z.strictObject({ value: finite, stderr: finite.optional() })

/** A metric's declared metadata (src/core/task-info.ts). */
export const metricInfoSchema = z.strictObject({
  direction: z.enum(['higher', 'lower']),
  kind: z.enum(METRIC_KINDS),
  aggregation: z.enum(['mean', 'corpus']),
  unit: z.enum(['token', 'word', 'byte']).optional(),
})

/** The task as it declared itself when the case ran. */
export const taskRecordSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  kind: z.enum(['multiple_choice', 'loglikelihood_rolling', 'token_perplexity', 'fidelity']),
  /** Accuracy of uniform guessing; null when the task declares none. */
  chance: finite.nullable(),
  metrics: z.record(z.string(), metricInfoSchema),
  /** The document field whose shared values make items one cluster; absent when items are independent. */
  clusterKey: z.string().optional(),
})

/** The shape of a case's per-item records (src/core/executor.ts, CaseItems). */
export const itemKindSchema = z.enum(['choice', 'rolling', 'token_perplexity', 'other'])

export const bandCheckSchema = z.strictObject({
  metric: z.string(),
  band: bandSchema,
  /** null when the case did not report the metric (a failure). */
  value: finite.nullable(),
  pass: z.boolean(),
})

export const rateSchema = z.strictObject({
  tokensPerSecond: finite,
  tokensPerCall: finite,
  meanMs: finite,
  p50Ms: finite,
  p99Ms: finite,
  /** tinybench's relative margin of error of the latency, in percent. */
  rme: finite,
  samples: z.number().int(),
  /** The rate as a share of the hardware bound measured in the same process (`bounds`): MatMul FLOP/s or memory bandwidth. */
  fractionOfBound: finite.optional(),
  /** Resident set size of the process right after the phase (bytes). */
  rssBytes: finite.optional(),
  /** The phase timed in rounds, each a pair with `calibration` (paired-timing.ts): what the gate compares. */
  paired: pairedSchema().optional(),
})

/**
 * A phase's calls timed in rounds, each round a block of phase calls then a block of calibration calls at the
 * phase's threads lasting about as long: each round's log(tokens/s ÷ calibration units/s), their median as a
 * ratio and the half-width of the median's 95% order-statistic interval in log space.
 */
function pairedRoundsShape() {
  const signal = {
    ratio: finite,
    margin: finite,
    /** Each round's log ratio, in the order timed: the samples the gate compares (absent in records before rounds). */
    rounds: z.array(finite).optional(),
  }
  return z.strictObject({
    ...signal,
    /** The same from the process's CPU time: it tracks the work of a call, not time spent waiting for a core. */
    cpu: z.strictObject(signal),
  })
}

function pairedSchema() {
  return pairedRoundsShape().extend({ calibration: z.string() })
}

export const throughputSchema = z.strictObject({
  scoring: rateSchema.optional(),
  /** Prefill at the shortest prompt of `prefillByLength` (the same measurement). */
  prefill: rateSchema.optional(),
  /** Batch-1 KV-cached decode at the shortest context of `decodeByContext` (the same measurement). */
  decodeCached: rateSchema.optional(),
  decodeNoCache: rateSchema.optional(),
  /** Prefill tokens/s by prompt length: how a forward pass's cost grows with context. */
  prefillByLength: z.array(rateSchema.extend({ length: z.number().int().positive() })).optional(),
  /** Batch-1 decode steps/s (the prefill not timed) by context length. */
  decodeByContext: z.array(rateSchema.extend({ context: z.number().int().positive() })).optional(),
  /** KV-cached decode of `batch` rows at once; tokens/s over all rows. */
  batchedDecode: rateSchema.extend({ batch: z.number().int().positive(), context: z.number().int().positive() }).optional(),
  /** Loading the model (files, tokenizer, onnxruntime session), once, ms. */
  loadMs: finite.optional(),
  /** Intra-op threads each phase ran with. */
  threads: z.strictObject({ scoring: z.number().int().positive(), decode: z.number().int().positive() }).optional(),
  /**
   * Memory bandwidth timed in the same process at the decode threads (bytes/s), batch-1 decode's bound; the
   * MatMul bound of prefill and scoring is the case's `calibration`.
   */
  bandwidth: calibrationShape().optional(),
  /** Phases timed again, in rounds as at first, because their first measurement was not SAME as the baseline's. */
  confirmation: z.record(z.string(), pairedRoundsShape()).optional(),
  /** The case that timed these rates: a model's throughput is measured once and shared by all its cases. */
  measuredIn: z.string().optional(),
})

/** A fixed, model-independent workload timed with tinybench beside the case's throughput (same process, same device). */
export const calibrationSchema = calibrationShape()

function calibrationShape() {
  return z.strictObject({
    /** Names the workload, e.g. `onnxruntime MatMul 512×512 (cpu)`: only rates against the same one compare. */
    name: z.string(),
    /** What one call counts, e.g. `FLOP`. */
    unit: z.string(),
    unitsPerCall: finite,
    unitsPerSecond: finite,
    meanMs: finite,
    /** tinybench's relative margin of error of the latency, in percent. */
    rme: finite,
    samples: z.number().int(),
  })
}

/**
 * The compact form of a case's per-item records, enough for paired tests and exact comparison:
 * correctness bits per accuracy metric and a digest of every per-item number.
 */
/** The digest's per-item values that count a perplexity's units (its denominator), by the unit the metric declares. */
export const DIGEST_UNIT_VALUES = { token: 'tokens', word: 'words', byte: 'bytes' } as const

export const itemDigestSchema = z.strictObject({
  /** The per-item shape: multiple-choice, rolling log-likelihood, token perplexity, or another executor's. */
  kind: itemKindSchema,
  n: z.number().int().nonnegative(),
  /** Accuracy metric → base64 bitset: item i is correct when bit i % 8 (least significant first) of byte ⌊i / 8⌋ is set. */
  correct: z.record(z.string(), z.string()),
  /**
   * Base64 float32 per item (little-endian), for paired intervals: each continuous per-item metric of a
   * multiple-choice case; `nll`, `words` and `bytes` per document of a rolling case; `nll` and `tokens` per window
   * (in stream order) of a token-perplexity case.
   */
  values: z.record(z.string(), z.string()).optional(),
  /** Each item's cluster (the index of its shared passage or context, in order of first appearance) when the task declares a cluster key. */
  clusters: z.array(z.number().int().nonnegative()).optional(),
  /** sha256 of the items' canonical JSON: equal exactly when every per-item number is bit-identical. */
  sha256: z.string(),
})

export const environmentSchema = z.strictObject({
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  onnxruntime: z.string().nullable(),
  /** The execution provider that ran (a `cuda` request either runs on CUDA or fails, unless a fallback was allowed). */
  executionProvider: z.string(),
  /** Why the requested provider did not run, when `allowFallback` let the case fall back to CPU. */
  providerFallback: z.string().optional(),
  cpu: z.string(),
  /** The CPU's generation and instruction sets (a hash of /proc/cpuinfo's vendor, family, model, stepping and flags); absent in older records. */
  cpuId: z.string().optional(),
  cpuCount: z.number().int(),
  gpu: z.string().nullable(),
  /** Intra-op threads the model's scoring session ran with, as its executor reported them (null when it did not). */
  threads: z.number().int().nullable(),
  lmscale: z.string(),
  vitest: z.string().nullable(),
  gitCommit: z.string().nullable(),
})

/** A model as a record names it: the study's name, where it came from, and its identity with the files it covers. */
const modelIdentityShape = {
  name: z.string(),
  source: z.string(),
  /** The revision the study asked for (a branch, tag or commit). */
  revision: z.string().nullable(),
  /** The commit the files came from (a hub snapshot), null for a local directory; absent when the executor did not say. */
  commit: z.string().nullable().optional(),
  /** The identity hash over `files` and `settings`: resume and baselines key on it. */
  hash: z.string(),
  /** Every model file (config, tokenizer files, ONNX graph, external data) → sha256. */
  files: z.record(z.string(), z.string()).optional(),
}

export const caseRecordSchema = z
  .strictObject({
    study: z.string(),
    model: z.strictObject({
      ...modelIdentityShape,
      /** Every setting that changes what the model computes (dtype, BOS policy, max length, special-token fix, scoring path). */
      settings: z.record(z.string(), json).optional(),
      parameters: z.strictObject({ total: finite, embedding: finite, nonEmbedding: finite }),
      /** The model family the study declared (absent when it declared none). */
      family: z.string().min(1).optional(),
      /** The tokenizer's special tokens as the study overrode them (absent when it did not). */
      specialTokens: z.strictObject({ bos: z.string().optional(), eos: z.string().optional(), unk: z.string().optional() }).optional(),
    }),
    task: taskRecordSchema,
    /** The dataset files the case read, with the commit each came from and its sha256; absent when the executor did not say. */
    data: z.array(z.strictObject({ repo: z.string(), revision: z.string(), path: z.string(), commit: z.string().nullable(), sha256: z.string() })).optional(),
    options: z.strictObject({
      device: deviceSchema,
      dtype: dtypeSchema,
      threads: z.number().int().nullable(),
      limit: z.number().int().nullable(),
      /** The study's non-default options for the task (e.g. a sliding window's `window` and `stride`). */
      task: z.record(z.string(), z.number()).optional(),
      /**
       * A fidelity case's reference model and its identity: part of the options hash, so resuming and the baseline
       * gate key on both models. Absent for every other task.
       */
      reference: z.strictObject(modelIdentityShape).optional(),
    }),
    /** sha256 of the canonical options JSON: with the model hash and task version, the resume key. */
    optionsHash: z.string(),
    n: z.number().int(),
    metrics: z.record(z.string(), metricValueSchema),
    /** lm-eval's left truncation to the max length: requests cut, context tokens dropped, the largest drop; absent when not counted. */
    truncation: z
      .strictObject({ requests: z.number().int().nonnegative(), tokensDropped: z.number().int().nonnegative(), largestDrop: z.number().int().nonnegative() })
      .optional(),
    throughput: throughputSchema.nullable(),
    resources: z.strictObject({
      /** Peak resident set size of the worker process so far (bytes). */
      peakRssBytes: finite,
      /** GPU memory in use after the case (bytes), from nvidia-smi; null off CUDA. */
      gpuMemoryBytes: finite.nullable(),
    }),
    timing: z.strictObject({ evaluateMs: finite, throughputMs: finite, caseMs: finite }),
    environment: environmentSchema,
    /** Measured with the throughput (null when it was skipped); absent in records written before calibration existed. */
    calibration: calibrationSchema.nullable().optional(),
    /**
     * What the case warned about as it ran, as printed: a stored case set aside, a changed dataset, whitespace-only
     * documents, a case file that could not be written. Absent when there was nothing to say.
     */
    warnings: z.array(z.string().min(1)).min(1).optional(),
    finishedAt: z.string(),
  })
  .refine(record => !record.throughput?.threads || record.environment.threads === null || record.environment.threads === record.throughput.threads.scoring, {
    // One truth about threads: the environment states the scoring session's, the throughput both sessions'.
    message: 'environment.threads must equal throughput.threads.scoring: both record the threads the scoring session ran with',
    path: ['environment', 'threads'],
  })

export const caseFileSchema = z.strictObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  record: caseRecordSchema,
  itemKind: itemKindSchema,
  items: z.array(z.unknown()),
})

export const caseEntrySchema = z.strictObject({
  study: z.string(),
  model: z.string(),
  task: z.string(),
  /** `model › task`, the test's name. */
  name: z.string(),
  file: z.string(),
  state: z.enum(['passed', 'failed', 'skipped', 'pending']),
  /** true when the record was read back from reports/cases/ instead of computed in this run. */
  resumed: z.boolean(),
  errors: z.array(z.string()),
  bands: z.array(bandCheckSchema),
  record: caseRecordSchema.nullable(),
  /** The per-item records in compact form, for the baseline gate; absent when the executor returned none. */
  items: itemDigestSchema.optional(),
  /** The task (label) and perplexity metric the study's scaling fit uses, and the sizes it predicts at; absent when the study reports no perplexity. */
  scaling: z.strictObject({ task: z.string(), metric: z.string(), predict: z.array(finite.positive()).min(1).optional() }).optional(),
})

export const resultsSchema = z.strictObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  generatedAt: z.string(),
  vitest: z.strictObject({ version: z.string(), mode: z.string() }),
  cases: z.array(caseEntrySchema),
})

export type Band = z.infer<typeof bandSchema>
export type MetricValueRecord = z.infer<typeof metricValueSchema>
export type TaskRecord = z.infer<typeof taskRecordSchema>
export type BandCheck = z.infer<typeof bandCheckSchema>
export type RateRecord = z.infer<typeof rateSchema>
export type ThroughputRecord = z.infer<typeof throughputSchema>
export type EnvironmentStamp = z.infer<typeof environmentSchema>
export type CalibrationRecord = z.infer<typeof calibrationSchema>
export type ItemDigest = z.infer<typeof itemDigestSchema>
export type CaseRecord = z.infer<typeof caseRecordSchema>
export type CaseFile = z.infer<typeof caseFileSchema>
export type CaseEntry = z.infer<typeof caseEntrySchema>
export type ResultsDocument = z.infer<typeof resultsSchema>
