/**
 * A baseline file: one per study under the baselines directory, holding for each (model, task) the metrics,
 * the per-item records in compact form, the calibrated throughput and the environment stamp of the run it
 * came from. Written only with the update flag. Bump BASELINE_SCHEMA_VERSION on any incompatible change.
 */
import { z } from 'zod'
import { calibrationSchema, caseRecordSchema, rateSchema, environmentSchema, itemDigestSchema, metricValueSchema } from '../core/schema.ts'

export const BASELINE_SCHEMA_VERSION = 1

const finite = z.number().refine(Number.isFinite, 'must be a finite number')

export const baselineRateSchema = z.strictObject({
  tokensPerSecond: finite,
  /** Relative 95% margin of error of the mean latency, in percent. */
  rme: finite,
  samples: z.number().int(),
  /** The phase timed in rounds, each paired with its calibration: the gate compares the rounds. */
  paired: rateSchema.shape.paired,
})

export const baselineEntrySchema = z.strictObject({
  /** The model's identity: its study name and source, the revision, and the identity hash with what it covers. */
  model: z.strictObject({
    name: z.string(),
    source: z.string(),
    revision: z.string().nullable(),
    commit: caseRecordSchema.shape.model.shape.commit,
    hash: z.string(),
    files: caseRecordSchema.shape.model.shape.files,
    settings: caseRecordSchema.shape.model.shape.settings,
  }),
  task: z.strictObject({ name: z.string(), version: z.string() }),
  /** The dataset files the case read, with their sha256; absent when it read none (data a package ships). */
  data: caseRecordSchema.shape.data,
  options: caseRecordSchema.shape.options,
  optionsHash: z.string(),
  n: z.number().int(),
  metrics: z.record(z.string(), metricValueSchema),
  items: itemDigestSchema.nullable(),
  /** Workload rates with the calibration measured beside them; null when throughput was skipped. */
  throughput: z
    .strictObject({
      calibration: calibrationSchema,
      /** By phase name (core/throughput-phases.ts), e.g. `scoring`, `prefill@512`, `decode@128`. */
      rates: z.record(z.string(), baselineRateSchema),
    })
    .nullable(),
  environment: environmentSchema,
})

export const baselineFileSchema = z.strictObject({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  study: z.string(),
  updatedAt: z.string(),
  /** Keyed by `model › task`. */
  cases: z.record(z.string(), baselineEntrySchema),
})

export type BaselineEntry = z.infer<typeof baselineEntrySchema>
export type BaselineFile = z.infer<typeof baselineFileSchema>
