/**
 * What every hub study shares: its models as declared (hub id, revision to pin, nominal size, the settings that change
 * their numbers), the device and dtype choice from the environment, and plan mode: every (model, task) case with
 * the files it would download. Online, the hub's repo API names the files, their sizes and the commit each revision
 * resolves to; offline (HF_HUB_OFFLINE=1) the plan lists what the transformers.js layout says each model needs,
 * without sizes or commits, and says so.
 */
import type { BosPolicy, Dtype, ModelSpec, SpecialTokenFix } from '../core/executor.ts'
import { dataOptionsFromEnv, type DataOptions } from '../hub/hub-options.ts'
import { listHubModel, modelFilesFor } from '../hub/hub-model-files.ts'
import { ONNX_FILE_BY_DTYPE, REQUIRED_MODEL_FILES } from '../hub/model-layout.ts'
import { isCommitHash } from '../core/revisions.ts'

export type StudyDevice = 'cpu' | 'cuda'

export interface StudyModel {
  /** Short name used in case names and reports. */
  readonly name: string
  readonly hub: string
  readonly revision: string
  /** False while `revision` is a placeholder branch, not a commit. */
  readonly pinned: boolean
  /** False: the id was not confirmed on the hub by this repository. */
  readonly verified: boolean
  /** Parameters as the model's authors name the size. */
  readonly nominalParameters: number
  /** The declared family (cross-family fits give each its own offset); never guessed from the name. */
  readonly family?: string
  /** lm-eval's max_length for this model (its requests are left-truncated to it). */
  readonly maxLength?: number
  /** Whether contexts and rolling documents get the tokenizer's BOS. */
  readonly bos?: BosPolicy
  readonly specialTokens?: SpecialTokenFix
  /** Overrides the study's dtype, where the repository ships only some. */
  readonly dtype?: Dtype
  /** Why the model is in the study though outside the study's size range; printed by plan mode. */
  readonly outOfRange?: string
  /** Another study model this one is scored against by the fidelity tasks (e.g. its fp32 export). */
  readonly reference?: string
  /** Loaded only as other models' reference: no cases of its own. */
  readonly referenceOnly?: boolean
}

/** PIN: each revision must become the 40-hex commit the study was run on (plan mode prints it). */
const PLACEHOLDER_REVISION = 'main'

type DeclaredSettings = Omit<StudyModel, 'name' | 'hub' | 'revision' | 'pinned' | 'verified' | 'nominalParameters'> & { readonly revision?: string }

/** A model whose hub id is unverified; pinned once `revision` is a commit (until then the placeholder branch). */
export function hubModel(name: string, hub: string, nominalParameters: number, settings: DeclaredSettings = {}): StudyModel {
  const revision = settings.revision ?? PLACEHOLDER_REVISION
  return { name, hub, nominalParameters, ...settings, revision, pinned: isCommitHash(revision), verified: false }
}

/** A study model as the harness takes it: every declared setting becomes the study schema's per-model field. */
export function studyModelSpec({ name, hub, revision, family, maxLength, bos, specialTokens, dtype, reference, referenceOnly }: StudyModel): ModelSpec {
  return {
    name,
    source: hub,
    revision,
    ...(family === undefined ? {} : { family }),
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(bos === undefined ? {} : { bos }),
    ...(specialTokens === undefined ? {} : { specialTokens }),
    ...(dtype === undefined ? {} : { dtype }),
    ...(reference === undefined ? {} : { reference }),
    ...(referenceOnly ? { referenceOnly } : {}),
  }
}

/** fp32 or fp16 on CUDA (fp16 default); q8 or q4 on CPU (q8 default), fp32 on either for reference runs. */
export const DTYPES_BY_DEVICE: Readonly<Record<StudyDevice, readonly Dtype[]>> = {
  cuda: ['fp16', 'fp32'],
  cpu: ['q8', 'q4', 'fp32'],
}

type Env = Readonly<Record<string, string | undefined>>

/** LMSCALE_DEVICE: `cpu` (default) or `cuda`. */
export function studyDeviceFromEnv(env: Env = process.env): StudyDevice {
  const value = (env.LMSCALE_DEVICE ?? '').trim().toLowerCase()
  if (value === '') return 'cpu'
  if (value === 'cpu' || value === 'cuda') return value
  throw new Error(`LMSCALE_DEVICE="${env.LMSCALE_DEVICE}" is not a device: use cpu or cuda`)
}

/** LMSCALE_DTYPE if set (checked against the device), else the device's default. */
export function studyDtype(device: StudyDevice, env: Env = process.env): Dtype {
  const allowed = DTYPES_BY_DEVICE[device]
  const value = (env.LMSCALE_DTYPE ?? '').trim().toLowerCase()
  if (value === '') return allowed[0]!
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`LMSCALE_DTYPE="${env.LMSCALE_DTYPE}" is not offered on ${device}: use one of ${allowed.join(', ')}`)
  }
  return value as Dtype
}

export interface HubStudySettings {
  readonly models: readonly StudyModel[]
  readonly device: StudyDevice
  readonly dtype: Dtype
  /** LMSCALE_LIMIT: only the first N documents of each task (smoke runs); undefined for the full study. */
  readonly limit: number | undefined
  /** LMSCALE_THROUGHPUT=0 skips the throughput phase. */
  readonly throughput: boolean
}

/**
 * Shard `index` (1-based) of `count`: the models split so that each shard's total nominal parameters (the cost of
 * its cases) is as even as a greedy split makes it, largest model first. Vitest's --shard splits files, and a study
 * is one file; CI runners split its models instead, and --merge-reports joins their cases into one study.
 */
export function shardModels(models: readonly StudyModel[], index: number, count: number): StudyModel[] {
  const load = Array.from({ length: count }, () => 0)
  const shardOf = new Map<StudyModel, number>()
  for (const model of [...models].sort((a, b) => b.nominalParameters - a.nominalParameters)) {
    const lightest = load.indexOf(Math.min(...load))
    load[lightest] = load[lightest]! + model.nominalParameters
    shardOf.set(model, lightest)
  }
  return models.filter(model => shardOf.get(model) === index - 1)
}

/** LMSCALE_SHARD=i/n: this runner's share of the models (all of them when unset). */
function modelsOfShard(models: readonly StudyModel[], env: Env): readonly StudyModel[] {
  const text = (env.LMSCALE_SHARD ?? '').trim()
  if (text === '') return models
  const match = /^(\d+)\/(\d+)$/.exec(text)
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0]
  if (!(index >= 1 && index <= count)) throw new Error(`LMSCALE_SHARD="${env.LMSCALE_SHARD}" is not a shard: use i/n with 1 ≤ i ≤ n, e.g. 1/2`)
  if (count > models.length) throw new Error(`LMSCALE_SHARD="${text}": ${models.length} models cannot fill ${count} shards; use at most ${models.length}`)
  return shardModels(models, index, count)
}

/**
 * A hub study's models with LMSCALE_SHARD, LMSCALE_DEVICE, LMSCALE_DTYPE, LMSCALE_LIMIT and LMSCALE_THROUGHPUT
 * (HF_ENDPOINT picks the hub).
 */
export function hubStudySettingsFromEnv(allModels: readonly StudyModel[], env: Env = process.env): HubStudySettings {
  const models = modelsOfShard(allModels, env)
  const device = studyDeviceFromEnv(env)
  const limitText = (env.LMSCALE_LIMIT ?? '').trim()
  const limit = limitText === '' ? undefined : Number(limitText)
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new Error(`LMSCALE_LIMIT="${env.LMSCALE_LIMIT}" is not a positive integer number of documents`)
  }
  const throughputText = (env.LMSCALE_THROUGHPUT ?? '').trim()
  if (!['', '0', '1'].includes(throughputText)) throw new Error(`LMSCALE_THROUGHPUT="${env.LMSCALE_THROUGHPUT}": use 1 (default) or 0`)
  return { models, device, dtype: studyDtype(device, env), limit, throughput: throughputText !== '0' }
}

export interface PlannedFile {
  readonly path: string
  readonly size: number | undefined
}

export interface PlannedCase {
  readonly model: string
  readonly task: string
  readonly hub: string
  readonly revision: string
  /** The commit the revision resolves to today (pin it), or null when the plan was made offline. */
  readonly commit: string | null
  readonly device: StudyDevice
  readonly dtype: Dtype
  /** Model files the case needs (shared by every case of the same model). */
  readonly files: readonly PlannedFile[]
  readonly bytes: number
  readonly outOfRange: string | undefined
  /** A fidelity case's reference model (its files are listed under that model's name). */
  readonly reference?: string
}

export interface StudyPlan {
  readonly cases: readonly PlannedCase[]
  /** Models loaded only as the reference of fidelity cases: downloaded, no cases of their own (their `task` is empty). */
  readonly references: readonly PlannedCase[]
  /** Bytes to download for all models, each model's files counted once (0 offline: no sizes known). */
  readonly totalBytes: number
  /** False when made offline: files by the layout's names, no sizes, no commits, no external data. */
  readonly listed: boolean
}

export interface PlanOptions {
  readonly device?: StudyDevice
  readonly dtype?: Dtype
  /** Defaults to the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE). */
  readonly hubOptions?: DataOptions
  /** The tasks that score a model against its reference: planned only for models that declare one. */
  readonly fidelityTasks?: readonly string[]
}

interface ModelPlan {
  readonly commit: string | null
  readonly files: readonly PlannedFile[]
}

/** What the transformers.js layout says a dtype needs; the optional files and external data only a listing can tell. */
function declaredFiles(dtype: Dtype): PlannedFile[] {
  return [...REQUIRED_MODEL_FILES, ONNX_FILE_BY_DTYPE[dtype]].map(path => ({ path, size: undefined }))
}

/**
 * Dry run; downloads nothing. Online it asks the hub's repo API for each model's files and fails naming the model
 * and endpoint when it cannot; offline it plans from the declared models and the layout alone.
 */
export async function planDownloads(models: readonly StudyModel[], tasks: readonly string[], options: PlanOptions = {}): Promise<StudyPlan> {
  const device = options.device ?? studyDeviceFromEnv()
  const studyWide = options.dtype ?? studyDtype(device)
  const hubOptions = options.hubOptions ?? dataOptionsFromEnv()
  const cases: PlannedCase[] = []
  const references: PlannedCase[] = []
  let totalBytes = 0
  for (const studyModel of models) {
    const dtype = studyModel.dtype ?? studyWide
    const planned: ModelPlan = hubOptions.offline
      ? { commit: null, files: declaredFiles(dtype) }
      : await listHubModel({ hub: studyModel.hub, revision: studyModel.revision }, hubOptions).then(listing => ({
          commit: listing.commit,
          files: modelFilesFor(listing, dtype).map(({ path, size }) => ({ path, size })),
        }))
    const bytes = planned.files.reduce((sum, file) => sum + (file.size ?? 0), 0)
    totalBytes += bytes
    const { name, hub, revision, outOfRange, reference } = studyModel
    const planOf = (task: string): PlannedCase => ({
      model: name,
      task,
      hub,
      revision,
      commit: planned.commit,
      device,
      dtype,
      files: planned.files,
      bytes,
      outOfRange,
    })
    // A reference-only model is downloaded and loaded, but runs no case of its own.
    if (studyModel.referenceOnly) references.push(planOf(''))
    else {
      for (const task of tasks) {
        const fidelity = options.fidelityTasks?.includes(task) ?? false
        if (fidelity && reference === undefined) continue
        cases.push({ ...planOf(task), ...(fidelity ? { reference } : {}) })
      }
    }
  }
  return { cases, references, totalBytes, listed: !hubOptions.offline }
}

function megabytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'size unknown'
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`
}

function pinAdvice(c: PlannedCase): string {
  if (c.commit === null) return ' (not resolved offline)'
  return c.revision === c.commit ? '' : ` (resolves to ${c.commit}: pin it)`
}

/** The plan as text for the terminal: one block per case, then the total. */
export function formatPlan(plan: StudyPlan): string {
  const lines: string[] = []
  if (!plan.listed) {
    lines.push('HF_HUB_OFFLINE is set: files by the transformers.js layout, without sizes, commits or external data; run online to resolve them')
  }
  for (const c of [...plan.references, ...plan.cases]) {
    const size = plan.listed ? `, ${megabytes(c.bytes)}` : ''
    const what = c.task === '' ? `${c.model} (reference only, no cases)` : `${c.model} × ${c.task}${c.reference === undefined ? '' : ` against ${c.reference}`}`
    lines.push(`${what}: ${c.hub}@${c.revision}${pinAdvice(c)}, ${c.dtype} on ${c.device}${size}`)
    if (c.outOfRange !== undefined) lines.push(`  out of range: ${c.outOfRange}`)
    for (const file of c.files) lines.push(`  ${file.path}${plan.listed ? `  ${megabytes(file.size)}` : ''}`)
  }
  const total = plan.listed ? `${megabytes(plan.totalBytes)} of model files to download (each model once)` : 'sizes unknown offline'
  lines.push(`${plan.cases.length} cases; ${total}`)
  return lines.join('\n')
}
