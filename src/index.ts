/** lmscale's public entry: studies, their types and the results schema. The plugin is in 'lmscale/vitest'. */
import './vitest/types.ts'

export { defineStudy } from './vitest/study.ts'
export { fixtureModels } from './fixture-models.ts'
export type { StudyDefinition, TaskBands } from './vitest/study.ts'
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
} from './vitest/executor.ts'
export type { DefaultTasks } from './vitest/default-executor.ts'
export type { ThroughputOptions } from './vitest/throughput.ts'
export type { CaseMeta, LmscaleMatchers } from './vitest/types.ts'
export type { LmscaleOptions } from './vitest/options.ts'
export { RESULTS_SCHEMA_VERSION, caseFileSchema, resultsSchema } from './report/schema.ts'
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
} from './report/schema.ts'
