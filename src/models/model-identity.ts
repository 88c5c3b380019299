/**
 * What identifies a loaded model: the sha256 of every file its numbers depend on (config, tokenizer files, ONNX graph
 * and external data) and every setting that changes what it computes (dtype, special-token fix, BOS policy, max
 * length, lm-eval version, scoring path). Resume and baselines key on the one hash over both, so a changed byte of
 * tokenizer.json or weights, or another BOS policy, is another model.
 */
import { join } from 'node:path'
import { canonicalHash } from '../core/canonical-hash.ts'
import type { IdentitySettings } from '../core/identity-changes.ts'
import { fileSha256 } from '../hub/file-sha256.ts'
import { snapshotCommit } from '../hub/hub-cache.ts'
import { modelFilePaths } from '../hub/model-layout.ts'

export interface ModelIdentity {
  /** sha256 over the file hashes and the settings. */
  readonly hash: string
  /** Path relative to the model directory → sha256 of its bytes. */
  readonly files: Readonly<Record<string, string>>
  readonly settings: IdentitySettings
  /** The hub commit the files came from (a cache snapshot), or null for a local directory. */
  readonly commit: string | null
}

export async function modelIdentity(dir: string, onnxPath: string, settings: IdentitySettings): Promise<ModelIdentity> {
  const files: Record<string, string> = {}
  for (const path of modelFilePaths(dir, onnxPath)) files[path] = await fileSha256(join(dir, path))
  return { hash: canonicalHash({ files, settings }), files, settings, commit: snapshotCommit(dir) ?? null }
}
