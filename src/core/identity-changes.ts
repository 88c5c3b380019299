/**
 * What differs between two model identities (src/models/model-identity.ts) or two sets of dataset files, for the
 * baseline's "model changed" and "dataset changed" and for resuming.
 */
import type { DataFileRecord, JsonValue } from './executor.ts'

/** Every setting that changes what a model computes, by name (dtype, bos, maxLength, lmEval, specialTokens, …). */
export type IdentitySettings = { readonly [setting: string]: JsonValue }

export interface IdentityParts {
  /** Path relative to the model directory → sha256. */
  readonly files?: Readonly<Record<string, string>>
  readonly settings?: IdentitySettings
}

/** Names what differs between two identities, e.g. `tokenizer.json, onnx/model.onnx_data, bos 'tokenizer' → 'none'`. */
export function identityChanges(before: IdentityParts, after: IdentityParts): string[] {
  const changes: string[] = []
  if (before.files && after.files) {
    for (const path of new Set([...Object.keys(before.files), ...Object.keys(after.files)])) {
      if (before.files[path] !== after.files[path]) changes.push(path)
    }
  }
  if (before.settings && after.settings) {
    for (const key of new Set([...Object.keys(before.settings), ...Object.keys(after.settings)])) {
      const [was, now] = [JSON.stringify(before.settings[key] ?? null), JSON.stringify(after.settings[key] ?? null)]
      if (was !== now) changes.push(`${key} ${was} → ${now}`)
    }
  }
  return changes
}

type DataFileHash = Pick<DataFileRecord, 'repo' | 'path' | 'sha256'>

/** Names each dataset file whose bytes differ, or that only one side read, e.g. `owner/data:test.parquet sha256 0a1b2c3d4e5f → 9f8e7d6c5b4a`. */
export function dataChanges(before: readonly DataFileHash[], after: readonly DataFileHash[]): string[] {
  const key = (file: DataFileHash) => `${file.repo}:${file.path}`
  const was = new Map(before.map(file => [key(file), file.sha256]))
  const now = new Map(after.map(file => [key(file), file.sha256]))
  const short = (sha: string | undefined) => (sha === undefined ? 'none' : sha.slice(0, 12))
  return [...new Set([...was.keys(), ...now.keys()])]
    .filter(file => was.get(file) !== now.get(file))
    .map(file => `${file} sha256 ${short(was.get(file))} → ${short(now.get(file))}`)
}
