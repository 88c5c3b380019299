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
import { onnxMatmulCalibration, PAIR_SIZE } from './onnx-calibration.ts'
import { runFidelityCase } from './fidelity-case.ts'
import type { CalibrationWorkload, CaseExecutor, Device, Dtype, LoadedModel, LoadOptions, ModelSpec, ThroughputWorkload } from '../core/executor.ts'
import { phaseThreads, type PhaseThreads } from '../perf/available-cores.ts'
import { decodeBytesPerToken, forwardFlops } from '../perf/flops.ts'
import { bandwidthCalibration } from '../perf/hardware-ceiling.ts'
import { weightCounts } from '../perf/workloads.ts'
import { tasks as registry, type TaskMetrics, type TaskName } from '../tasks/registry.ts'
import { taskInfo } from '../tasks/task-types.ts'

/** Every task lmscale implements and the metrics each reports. */
export type DefaultTasks = TaskMetrics

/** Sources of this form name a model of the forged fixture family, forged on first use. */
export const FIXTURE_SOURCE_PREFIX = 'lmscale-fixture:'

interface LoadedLanguageModel extends LoadedModel {
  readonly model: LanguageModel
  readonly threads: PhaseThreads
}

/** What every task of the registry declares: the default executor's catalog, which studies are checked against. */
export function defaultTaskInfos(): CaseExecutor<DefaultTasks>['tasks'] {
  return Object.fromEntries(Object.entries(registry).map(([name, task]) => [name, taskInfo(task)])) as CaseExecutor<DefaultTasks>['tasks']
}

export async function createDefaultExecutor(): Promise<CaseExecutor<DefaultTasks, LoadedLanguageModel>> {
  const tasks = defaultTaskInfos()
  return {
    tasks,
    async loadModel(spec, options) {
      const threads = phaseThreads(options.threads)
      const model = await loadLanguageModel(spec, options, threads)
      const fallback = model.providerFallback
      return {
        model,
        threads,
        intraOpThreads: threads.scoring,
        hash: model.identity.hash,
        identity: { files: model.identity.files, settings: model.identity.settings, commit: model.identity.commit },
        parameters: model.parameters,
        executionProvider: model.executionProvider,
        ...(fallback === undefined ? {} : { providerFallback: fallback }),
      }
    },
    async runCase(loaded, task, options) {
      const declared = registry[task as TaskName]
      if (declared.kind === 'fidelity') {
        const run = await runFidelityCase(declared, loaded.model, options.reference?.model.model, options)
        return { ...run, workload: throughputWorkload(loaded.model, loaded.threads) }
      }
      const result = await evaluateTask(declared, loaded.model, {
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
        workload: throughputWorkload(loaded.model, loaded.threads),
      }
    },
    dataFiles: task => taskDataFiles(registry[task as TaskName]),
    release: loaded => loaded.model.release(),
    calibration: loaded => matmulFor(loaded.model.executionProvider, loaded.threads.scoring),
  }
}

async function loadLanguageModel(spec: ModelSpec, options: LoadOptions, threads: PhaseThreads): Promise<LanguageModel> {
  const modelOptions: LanguageModelOptions = {
    id: spec.name,
    device: options.device,
    dtype: spec.dtype ?? options.dtype,
    threads: threads.scoring,
    decodeThreads: threads.decode,
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

/** Bytes per weight of each export, for the decode bound (q4 and q4f16 pack two weights per byte). */
const BYTES_PER_WEIGHT: Readonly<Record<Dtype, number>> = { fp32: 4, fp16: 2, q8: 1, q4: 0.5, q4f16: 0.5 }
/** Prompt lengths of the prefill curve and contexts of the decode curve, capped by the model's maximum length. */
const PREFILL_LENGTHS = [128, 512, 2048]
const DECODE_CONTEXTS = [128, 512]
/** Decode steps timed per call, and rows of the batched decode. */
const DECODE_STEPS = 16
const DECODE_BATCH = 8

/**
 * A fixed slice of work per phase, the same on every call and independent of the task, so it is timed once per
 * model: scoring through the harness's own batched path, prefill by prompt length, decode steps by context.
 */
function throughputWorkload(model: LanguageModel, threads: PhaseThreads): ThroughputWorkload {
  // A deterministic prompt of ordinary token ids after the prefix token (ids 3–202 exist in every vocabulary here).
  const prompt = (length: number, offset = 0) => Array.from({ length }, (_, i) => (i === 0 ? model.specialTokens.prefix : 3 + ((i * 7 + offset) % 200)))
  const scoringRequests = Array.from({ length: 16 }, (_, i) => ({
    context: `Case ${i}: the results of the study were`,
    continuation: ' clear and repeatable.',
  }))
  // Room for the decode steps after the longest context.
  const fits = (length: number) => length + DECODE_STEPS <= model.maxLength
  const lengths = [...new Set(PREFILL_LENGTHS.map(length => Math.min(length, model.maxLength)))]
  const contexts = DECODE_CONTEXTS.filter(fits)
  const prefilled = (rows: number, context: number) => model.prefillRows(Array.from({ length: rows }, (_, row) => prompt(context, row)))
  // The prefill runs on the first (warm-up) call, so building the workload costs nothing when another case times it.
  const decodeAt = (rows: number, context: number) => {
    let state: ReturnType<typeof prefilled> | undefined
    return async () => (await model.decodeSteps(await (state ??= prefilled(rows, context)), DECODE_STEPS)).flat().length
  }
  const weights = weightCounts(model)
  return {
    // Positions fed (padding included) per pass over the requests, as the batching layer builds them.
    scoring: async () => {
      const before = model.usage().positions
      await model.loglikelihood(scoringRequests)
      return model.usage().positions - before
    },
    prefillByLength: Object.fromEntries(lengths.map(length => [length, async () => (await model.prefillRows([prompt(length)]), length)])),
    decodeByContext: Object.fromEntries(contexts.map(context => [context, decodeAt(1, context)])),
    ...(contexts[0] === undefined ? {} : { batchedDecode: { batch: DECODE_BATCH, context: contexts[0], run: decodeAt(DECODE_BATCH, contexts[0]) } }),
    threads,
    cost: { flopsPerToken: forwardFlops(weights, 1), bytesPerDecodedToken: decodeBytesPerToken(weights, BYTES_PER_WEIGHT[model.options.dtype]) },
    calibrationAt: count => matmulFor(model.executionProvider, count, PAIR_SIZE),
    ...(model.executionProvider === 'cpu' ? { bandwidth: () => bandwidthFor(threads.decode) } : {}),
  }
}

/** One calibration session per device, thread count and size, shared by the models of the worker. */
const matmuls = new Map<string, Promise<CalibrationWorkload>>()
function matmulFor(device: Device, threads: number, size?: number): Promise<CalibrationWorkload> {
  const key = `${device}/${threads}/${size}`
  let matmul = matmuls.get(key)
  if (!matmul) matmuls.set(key, (matmul = onnxMatmulCalibration(device, threads, size)))
  return matmul
}

/** One bandwidth session per thread count, shared by the models of the worker. */
const bandwidths = new Map<number, Promise<CalibrationWorkload>>()
function bandwidthFor(threads: number): Promise<CalibrationWorkload> {
  let bandwidth = bandwidths.get(threads)
  if (!bandwidth) bandwidths.set(threads, (bandwidth = bandwidthCalibration(threads)))
  return bandwidth
}
