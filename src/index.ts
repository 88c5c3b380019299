/** lmscale's public entry: studies, their types and the results schema. The plugin is in 'lmscale/vitest'. */
import './vitest/types.ts'

export { defineStudy } from './vitest/define-study.ts'
export { fixtureModels } from './vitest/fixture-models.ts'
export type { StudyDefinition, TaskBands } from './vitest/study-types.ts'
export type {
  CaseExecutor,
  CaseRun,
  Device,
  Dtype,
  JsonValue,
  LoadedModel,
  LoadOptions,
  MetricValue,
  ModelSpec,
  ParameterCounts,
  Progress,
  RunCaseOptions,
  TaskCatalog,
  ThroughputWorkload,
} from './core/executor.ts'
export type { DefaultTasks } from './vitest/default-executor.ts'
export type { ThroughputOptions } from './vitest/throughput.ts'
export type { CaseMeta, LmscaleMatchers } from './vitest/types.ts'
export type { LmscaleOptions } from './vitest/options.ts'
export { RESULTS_SCHEMA_VERSION, caseFileSchema, resultsSchema } from './core/schema.ts'
export type {
  Band,
  BandCheck,
  CaseEntry,
  CaseFile,
  CaseRecord,
  EnvironmentStamp,
  RateRecord,
  ResultsDocument,
  ThroughputRecord,
} from './core/schema.ts'
