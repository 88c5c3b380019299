/**
 * The body of one (model, task) case: metrics computed once (or read back when resuming), recorded in task
 * meta, bands asserted softly so a failure still reports its number, then throughput, memory and the case file.
 */
import { resolve } from 'node:path'
import type { TestContext } from 'vitest'
import type { BandCheck, CaseRecord } from '../core/schema.ts'
import { isWithinBand } from '../core/bands.ts'
import { canonicalHash } from '../core/canonical-hash.ts'
import { caseFilePath, matchesResumeKey, readCaseFile, writeCaseFile } from './case-store.ts'
import { createDefaultExecutor } from './default-executor.ts'
import type { CaseExecutor, CaseItems, CaseRun, LoadedModel, LoadOptions, ModelSpec } from '../core/executor.ts'
import { metricInfos, type TaskInfo } from '../core/task-info.ts'
import { ProgressReporter } from './progress.ts'
import { gpuMemoryBytes, peakRssBytes } from './resources.ts'
import { activeRuntime } from './runtime.ts'
import type { StudyCase } from './study-types.ts'
import { caseName } from './study-types.ts'
import { measureModelThroughput } from './model-throughput.ts'
import { javascriptMatmulCalibration } from './calibration.ts'
import { digestItems } from '../baseline/item-digest.ts'
import { unpinnedRevisions } from '../core/revisions.ts'
import { dataChanges } from '../core/identity-changes.ts'

let defaultExecutor: Promise<CaseExecutor> | undefined

export async function runStudyCase(studyCase: StudyCase, context: TestContext): Promise<void> {
  const caseStarted = performance.now()
  const runtime = activeRuntime()
  const options = runtime.options()
  const { study, model: spec, task, meta } = studyCase
  // A fidelity case's failures name both models.
  const label = caseName(spec.name, meta.task) + (studyCase.reference ? ` against ${studyCase.reference.name}` : '')

  const loadOptions = (model: ModelSpec): LoadOptions => ({
    device: options.device ?? model.device ?? study.device ?? 'cpu',
    dtype: options.dtype ?? model.dtype ?? study.dtype ?? 'fp32',
    threads: options.threads ?? model.threads ?? study.threads,
    ...(study.allowFallback ? { allowFallback: true } : {}),
  })
  const load = loadOptions(spec)
  const executor: CaseExecutor = study.executor ?? (await (defaultExecutor ??= createDefaultExecutor() as Promise<CaseExecutor>))
  const model = await runtime.pool.acquire(meta.poolKey, executor, spec, load)
  const referenceSpec = studyCase.reference
  const reference =
    referenceSpec && meta.reference
      ? { spec: referenceSpec, model: await runtime.pool.acquire(meta.reference.poolKey, executor, referenceSpec, loadOptions(referenceSpec)) }
      : undefined
  const caseOptions = {
    device: load.device,
    dtype: load.dtype,
    threads: load.threads ?? null,
    limit: study.limit ?? null,
    ...(Object.keys(studyCase.taskOptions).length ? { task: { ...studyCase.taskOptions } } : {}),
    ...(reference ? { reference: referenceIdentity(reference.spec, reference.model) } : {}),
  }
  const optionsHash = canonicalHash(caseOptions)
  const info = executor.tasks[task]
  if (!info) throw new Error(`lmscale: ${label}: the executor has no task ${JSON.stringify(task)}; known: ${Object.keys(executor.tasks).join(', ')}`)
  const taskVersion = info.version
  const casePath = caseFilePath(resolve(runtime.root, options.reportsDir), study.name, spec.name, meta.task)

  // Printed as they happen and recorded with the case.
  const warnings: string[] = []
  const warn = (message: string) => {
    warnings.push(message)
    console.warn(message)
  }
  const stored = options.resume ? readCaseFile(casePath, warn) : undefined
  const matching = stored && matchesResumeKey(stored.record, { modelHash: model.hash, taskVersion, optionsHash })
  if (matching && (await sameDataFiles(executor, task, stored.record, label, warn))) {
    meta.record = stored.record
    meta.resumed = true
    if (stored.items.length) meta.items = digestItems({ kind: stored.itemKind, items: stored.items } as CaseItems, stored.record.task.metrics)
    assertBands(context, label, stored.record, meta)
    return
  }

  const progress = new ProgressReporter(label, runtime.progressStyle())
  const evaluateStarted = performance.now()
  const run = await executor
    .runCase(model, task, {
      limit: study.limit,
      taskOptions: studyCase.taskOptions,
      onProgress: p => progress.update(p),
      onWarning: warn,
      ...(reference ? { reference: { name: reference.spec.name, model: reference.model } } : {}),
    })
    .finally(() => progress.finish())
  const evaluateMs = performance.now() - evaluateStarted
  checkRun(run, label, info)

  const record: CaseRecord = {
    study: study.name,
    model: {
      name: spec.name,
      source: spec.source,
      revision: spec.revision ?? null,
      ...(model.identity ? { commit: model.identity.commit } : {}),
      hash: model.hash,
      ...(model.identity ? { files: { ...model.identity.files }, settings: { ...model.identity.settings } } : {}),
      parameters: { ...model.parameters },
      ...(spec.family === undefined ? {} : { family: spec.family }),
      ...(spec.specialTokens === undefined ? {} : { specialTokens: { ...spec.specialTokens } }),
    },
    task: {
      name: task,
      version: run.taskVersion,
      kind: info.kind,
      chance: info.chance ?? null,
      metrics: metricInfos(info.metrics),
      ...(info.clusterKey === undefined ? {} : { clusterKey: info.clusterKey }),
    },
    ...(run.dataFiles === undefined ? {} : { data: run.dataFiles.map(file => ({ ...file })) }),
    options: caseOptions,
    optionsHash,
    n: run.n,
    metrics: Object.fromEntries(Object.entries(run.metrics).map(([name, m]) => [name, m.stderr === undefined ? { value: m.value } : { ...m }])),
    ...(run.truncation === undefined ? {} : { truncation: { ...run.truncation } }),
    throughput: null,
    resources: { peakRssBytes: peakRssBytes(), gpuMemoryBytes: null },
    timing: { evaluateMs, throughputMs: 0, caseMs: 0 },
    environment: {
      ...runtime.host(),
      executionProvider: model.executionProvider,
      ...(model.providerFallback === undefined ? {} : { providerFallback: model.providerFallback }),
      threads: model.intraOpThreads ?? null,
    },
    finishedAt: '',
  }
  meta.record = record
  if (run.items?.items.length) meta.items = digestItems(run.items, record.task.metrics)
  assertBands(context, label, record, meta)
  if (options.strictRevisions) {
    context.expect.soft(unpinnedRevisions(record), `${label}: strict revisions (strictRevisions / LMSCALE_STRICT_REVISIONS=1) need commits`).toEqual([])
  }

  const throughputStarted = performance.now()
  const measure = run.workload && study.throughput !== false
  // Throughput does not depend on the task: the model's first case to get here times it, the others share it.
  const measured = measure
    ? await runtime.pool.once(meta.poolKey, 'throughput', async () =>
        measureModelThroughput(
          record,
          run.workload!,
          await (executor.calibration?.(model) ?? javascriptMatmulCalibration()),
          study.throughput || {},
          { loadMs: await runtime.pool.loadMs(meta.poolKey), measuredIn: label },
          // The confirmation only guards the gate: a run that cannot fail on speed does not pay for it.
          options.update === true || !options.baseline.gateThroughput
            ? undefined
            : { dir: resolve(runtime.root, options.baselinesDir), model: spec.name, task: meta.task, tolerance: options.baseline.throughputTolerance },
        ),
      )
    : undefined
  const throughput = measured?.throughput ?? null
  const calibration = measured?.calibration ?? null
  const finished: CaseRecord = {
    ...record,
    throughput,
    calibration,
    resources: { peakRssBytes: peakRssBytes(), gpuMemoryBytes: model.executionProvider === 'cuda' ? gpuMemoryBytes() : null },
    timing: { evaluateMs, throughputMs: performance.now() - throughputStarted, caseMs: performance.now() - caseStarted },
    ...(warnings.length ? { warnings: [...warnings] } : {}),
    finishedAt: new Date().toISOString(),
  }
  meta.record = finished
  storeCase(label, casePath, finished, run.items ?? { kind: 'other', items: [] }, warn)
  if (warnings.length > (finished.warnings?.length ?? 0)) meta.record = { ...finished, warnings: [...warnings] }
}

/** A fidelity case's reference as its record names it: the study's name for it, where it came from and its identity. */
function referenceIdentity(spec: ModelSpec, model: LoadedModel) {
  return {
    name: spec.name,
    source: spec.source,
    revision: spec.revision ?? null,
    ...(model.identity ? { commit: model.identity.commit } : {}),
    hash: model.hash,
    ...(model.identity ? { files: { ...model.identity.files } } : {}),
  }
}

/** Whether the dataset files a stored case read are still the same bytes; if not, says which changed. */
async function sameDataFiles(executor: CaseExecutor, task: string, stored: CaseRecord, label: string, warn: (message: string) => void): Promise<boolean> {
  if (!stored.data?.length || !executor.dataFiles) return true
  const changes = dataChanges(stored.data, await executor.dataFiles(task))
  if (changes.length) warn(`lmscale: ${label}: dataset changed since the stored case (${changes.join(', ')}); recomputing the case`)
  return changes.length === 0
}

/**
 * The metrics are already in task meta, so the reports get them even when the case file cannot be written
 * (a read-only or full disk): say so, and do not fail a case whose numbers are good.
 */
function storeCase(label: string, path: string, record: CaseRecord, items: CaseItems, warn: (message: string) => void): void {
  try {
    writeCaseFile(path, record, items)
  } catch (error) {
    warn(`lmscale: ${label}: ${(error as Error).message}; its metrics still go to the reports, but LMSCALE_RESUME=1 cannot reuse this case`)
  }
}

/** Records every band check in meta, then asserts each with expect.soft so all of them report. */
function assertBands(context: TestContext, label: string, record: CaseRecord, meta: StudyCase['meta']): void {
  const checks: BandCheck[] = Object.entries(meta.bands).map(([metric, band]) => {
    const value = record.metrics[metric]?.value ?? null
    return { metric, band, value, pass: value !== null && isWithinBand(value, band) }
  })
  meta.bandChecks = checks
  for (const check of checks) {
    const subject = `${label} ${check.metric}`
    if (check.value === null) {
      context.expect.soft(record.metrics, `${subject}: the case reported no such metric`).toHaveProperty(check.metric)
    } else {
      context.expect.soft(check.value, subject).toBeWithinBand(check.band)
    }
  }
}

function checkRun(run: CaseRun, label: string, info: TaskInfo): void {
  if (run.taskVersion !== info.version) {
    throw new Error(`lmscale: ${label} ran task version ${run.taskVersion} but the executor announced ${info.version}`)
  }
  for (const [name, metric] of Object.entries(run.metrics)) {
    if (!(name in info.metrics)) {
      throw new Error(`lmscale: ${label} reported ${name}, which the task does not declare (it declares ${Object.keys(info.metrics).join(', ')})`)
    }
    if (!Number.isFinite(metric.value)) throw new Error(`lmscale: ${label} reported ${name} = ${metric.value}; metrics must be finite numbers`)
    if (metric.stderr !== undefined && !Number.isFinite(metric.stderr)) {
      throw new Error(`lmscale: ${label} reported a stderr of ${metric.stderr} for ${name}`)
    }
  }
  if (!(Number.isInteger(run.n) && run.n >= 0)) throw new Error(`lmscale: ${label} reported n = ${run.n}; expected a document count`)
}
