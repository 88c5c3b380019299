/**
 * The one place that wires the real evaluation code into studies that do not bring their own executor:
 * models load as LanguageModel (a local directory, a forged fixture, or a hub id at a pinned revision),
 * cases run a task of the one registry through src/eval's evaluateTask, throughput replays a fixed slice of work.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { evaluateTask, taskDataFiles } from '../eval/evaluate-task.ts'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { LanguageModel, type LanguageModelOptions } from '../models/language-model.ts'
import { onnxMatmulCalibration } from './onnx-calibration.ts'
import type { CalibrationWorkload, CaseExecutor, LoadedModel, LoadOptions, ModelSpec, ThroughputWorkload } from '../core/executor.ts'
import { tasks as registry, type TaskMetrics, type TaskName } from '../tasks/registry.ts'
import { taskInfo } from '../tasks/task-types.ts'

/** Every task lmscale implements and the metrics each reports. */
export type DefaultTasks = TaskMetrics

/** Sources of this form name a model of the forged fixture family, forged on first use. */
export const FIXTURE_SOURCE_PREFIX = 'lmscale-fixture:'

interface LoadedLanguageModel extends LoadedModel {
  readonly model: LanguageModel
}

/** What every task of the registry declares: the default executor's catalog, which studies are checked against. */
export function defaultTaskInfos(): CaseExecutor<DefaultTasks>['tasks'] {
  return Object.fromEntries(Object.entries(registry).map(([name, task]) => [name, taskInfo(task)])) as CaseExecutor<DefaultTasks>['tasks']
}

export async function createDefaultExecutor(): Promise<CaseExecutor<DefaultTasks, LoadedLanguageModel>> {
  const tasks = defaultTaskInfos()
  // One calibration session per device and thread count, shared by the models that run there.
  const calibrations = new Map<string, Promise<CalibrationWorkload>>()
  return {
    tasks,
    async loadModel(spec, options) {
      const model = await loadLanguageModel(spec, options)
      const fallback = model.providerFallback
      return {
        model,
        hash: model.identity.hash,
        identity: { files: model.identity.files, settings: model.identity.settings, commit: model.identity.commit },
        parameters: model.parameters,
        executionProvider: model.executionProvider,
        ...(fallback === undefined ? {} : { providerFallback: fallback }),
      }
    },
    async runCase(loaded, task, options) {
      const result = await evaluateTask(registry[task as TaskName], loaded.model, {
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.taskOptions === undefined ? {} : { taskOptions: options.taskOptions }),
        onProgress: (done, total, unit, tokens) => options.onProgress({ done, total, unit, tokens }),
        ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
      })
      return {
        metrics: result.metrics,
        n: result.n,
        taskVersion: result.taskVersion,
        items: result.items,
        truncation: result.truncation,
        dataFiles: result.dataFiles,
        workload: throughputWorkload(loaded.model),
      }
    },
    dataFiles: task => taskDataFiles(registry[task as TaskName]),
    release: loaded => loaded.model.release(),
    calibration: loaded => {
      const device = loaded.model.executionProvider
      const { threads } = loaded.model.options
      const key = `${device}/${threads ?? 'default'}`
      let calibration = calibrations.get(key)
      if (!calibration) calibrations.set(key, (calibration = onnxMatmulCalibration(device, threads)))
      return calibration
    },
  }
}

async function loadLanguageModel(spec: ModelSpec, options: LoadOptions): Promise<LanguageModel> {
  const modelOptions: LanguageModelOptions = {
    id: spec.name,
    device: options.device,
    dtype: spec.dtype ?? options.dtype,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.allowFallback ? { allowFallback: true } : {}),
    ...(spec.lmEval === undefined ? {} : { lmEval: spec.lmEval }),
    ...(spec.bos === undefined ? {} : { bos: spec.bos }),
    ...(spec.maxLength === undefined ? {} : { maxLength: spec.maxLength }),
    ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
    ...(spec.specialTokens === undefined ? {} : { specialTokens: spec.specialTokens }),
  }
  if (spec.source.startsWith(FIXTURE_SOURCE_PREFIX)) {
    const name = spec.source.slice(FIXTURE_SOURCE_PREFIX.length)
    const manifest = await ensureFixtureModels()
    const fixture = manifest.models.find(m => m.name === name)
    if (!fixture) throw new Error(`model ${spec.name}: no fixture named ${name}; fixtures: ${manifest.models.map(m => m.name).join(', ')}`)
    return LanguageModel.fromDirectory(fixture.path, modelOptions)
  }
  if (existsSync(resolve(spec.source))) return LanguageModel.fromDirectory(resolve(spec.source), modelOptions)
  if (!spec.revision) {
    throw new Error(`model ${spec.name}: ${spec.source} is not a local directory; a hub model needs a pinned revision (a commit hash or tag)`)
  }
  // The hub's files go to HF_HUB_CACHE (HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE apply); the id stays the study's name.
  return LanguageModel.load({ hub: spec.source, revision: spec.revision }, modelOptions)
}

/** A fixed slice of work, the same on every call, so tinybench's rates are comparable across models. */
function throughputWorkload(model: LanguageModel): ThroughputWorkload {
  // A deterministic prompt of ordinary token ids after the prefix token (ids 3–202 exist in every vocabulary here).
  const prompt = (length: number) => Array.from({ length }, (_, i) => (i === 0 ? model.specialTokens.prefix : 3 + ((i * 7) % 200)))
  const scoringRequests = Array.from({ length: 16 }, (_, i) => ({
    context: `Case ${i}: the results of the study were`,
    continuation: ' clear and repeatable.',
  }))
  const promptLength = Math.min(128, model.maxLength - 33)
  return {
    scoring: async () => (await model.loglikelihood(scoringRequests)).reduce((n, r) => n + r.continuationTokens, 0),
    prefill: async () => (await model.greedyDecode(prompt(promptLength), 1), promptLength),
    decodeCached: async () => (await model.greedyDecode(prompt(promptLength), 32, { cache: true })).length,
    decodeNoCache: async () => (await model.greedyDecode(prompt(promptLength), 32, { cache: false })).length,
  }
}
