/**
 * The MobileLLM study's models (onnx-community's transformers.js exports of Meta's MobileLLM), the dtype and device
 * choice, the special-token fix, and plan mode: every (model, task) case with the files it would download.
 *
 * NOTHING HERE HAS BEEN CHECKED AGAINST THE HUB: no machine that wrote this reaches it. The ids are the ones believed
 * to exist; every revision is a placeholder ('main') to be replaced by a commit hash (plan mode prints the commit
 * each revision resolves to).
 */
import type { Dtype } from '../core/executor.ts'
import { dataOptionsFromEnv, type DataOptions } from '../hub/hub-options.ts'
import { listHubModel, modelFilesFor } from '../hub/hub-model-files.ts'

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
  /** Parameters as the paper names the size. */
  readonly nominalParameters: number
}

/** PIN: each revision must become the 40-hex commit the study was run on. */
const PLACEHOLDER_REVISION = 'main'

const model = (name: string, hub: string, nominalParameters: number): StudyModel => ({
  name,
  hub,
  revision: PLACEHOLDER_REVISION,
  pinned: false,
  verified: false,
  nominalParameters,
})

/** The MobileLLM sizes of the paper (spec §4), in the transformers.js layout. Unverified ids. */
export const MOBILELLM_MODELS: readonly StudyModel[] = [
  model('MobileLLM-125M', 'onnx-community/MobileLLM-125M', 125e6),
  model('MobileLLM-350M', 'onnx-community/MobileLLM-350M', 350e6),
  model('MobileLLM-600M', 'onnx-community/MobileLLM-600M', 600e6),
  model('MobileLLM-1B', 'onnx-community/MobileLLM-1B', 1e9),
  model('MobileLLM-1.5B', 'onnx-community/MobileLLM-1.5B', 1.5e9),
]

/**
 * MobileLLM's tokenizer_config.json names bos/eos/unk as empty strings (spec §4); the model card's fix. Pass it as
 * LanguageModel's `specialTokens` option and record it with the results.
 */
export const MOBILELLM_SPECIAL_TOKENS = { bos: '<s>', eos: '</s>', unk: '<unk>' } as const

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

export interface PlannedFile {
  readonly path: string
  readonly size: number | undefined
}

export interface PlannedCase {
  readonly model: string
  readonly task: string
  readonly hub: string
  readonly revision: string
  /** The commit the revision resolves to today: pin it. */
  readonly commit: string
  readonly device: StudyDevice
  readonly dtype: Dtype
  /** Model files the case needs (shared by every case of the same model). */
  readonly files: readonly PlannedFile[]
  readonly bytes: number
}

export interface StudyPlan {
  readonly cases: readonly PlannedCase[]
  /** Bytes to download for all models, each model's files counted once. */
  readonly totalBytes: number
}

export interface PlanOptions {
  readonly device?: StudyDevice
  readonly dtype?: Dtype
  /** Defaults to the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE). */
  readonly hubOptions?: DataOptions
}

/** Dry run: asks the hub's repo API for each model's files; downloads nothing, and fails clearly offline. */
export async function planDownloads(models: readonly StudyModel[], tasks: readonly string[], options: PlanOptions = {}): Promise<StudyPlan> {
  const device = options.device ?? studyDeviceFromEnv()
  const dtype = options.dtype ?? studyDtype(device)
  const hubOptions = options.hubOptions ?? dataOptionsFromEnv()
  if (hubOptions.offline) {
    throw new Error(`plan mode lists the hub's files and needs the network, but HF_HUB_OFFLINE is set: unset it and make ${hubOptions.endpoint} reachable`)
  }
  const cases: PlannedCase[] = []
  let totalBytes = 0
  for (const studyModel of models) {
    const listing = await listHubModel({ hub: studyModel.hub, revision: studyModel.revision }, hubOptions)
    const files = modelFilesFor(listing, dtype).map(({ path, size }) => ({ path, size }))
    const bytes = files.reduce((sum, file) => sum + (file.size ?? 0), 0)
    totalBytes += bytes
    for (const task of tasks) {
      cases.push({ model: studyModel.name, task, hub: studyModel.hub, revision: studyModel.revision, commit: listing.commit, device, dtype, files, bytes })
    }
  }
  return { cases, totalBytes }
}

function megabytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'size unknown'
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`
}

/** The plan as text for the terminal: one block per case, then the total. */
export function formatPlan(plan: StudyPlan): string {
  const lines: string[] = []
  for (const c of plan.cases) {
    const pin = c.revision === c.commit ? '' : ` (resolves to ${c.commit}: pin it)`
    lines.push(`${c.model} × ${c.task}: ${c.hub}@${c.revision}${pin}, ${c.dtype} on ${c.device}, ${megabytes(c.bytes)}`)
    for (const file of c.files) lines.push(`  ${file.path}  ${megabytes(file.size)}`)
  }
  lines.push(`${plan.cases.length} cases; ${megabytes(plan.totalBytes)} of model files to download (each model once)`)
  return lines.join('\n')
}
