/** What differs between two model identities (src/models/model-identity.ts), for the baseline's "model changed". */
import type { JsonValue } from './executor.ts'

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
