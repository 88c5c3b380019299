/**
 * Where a model comes from and which files it needs, in the layout transformers.js uses on the hub:
 * config.json, tokenizer.json, tokenizer_config.json and onnx/model{suffix}.onnx (+ external data).
 */
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import type { Dtype } from '../core/executor.ts'

/** transformers.js's file naming: onnx/model.onnx, onnx/model_fp16.onnx, onnx/model_quantized.onnx, onnx/model_q4.onnx, onnx/model_q4f16.onnx. */
export const ONNX_FILE_BY_DTYPE: Readonly<Record<Dtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
}

export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const

/** A file a repository may add (generation settings), downloaded and hashed when present. */
export const OPTIONAL_MODEL_FILES = ['generation_config.json'] as const

/** `onnx/model_q4.onnx_data`, `onnx/model_q4.onnx_data_1`, …: the files onnxruntime reads the weights from. */
export function isExternalDataOf(graph: string, path: string): boolean {
  return path === `${graph}_data` || new RegExp(`^${graph.replaceAll('.', '\\.')}_data_\\d+$`).test(path)
}

/**
 * Every file of a local model that its numbers depend on, relative to the model directory: config, tokenizer files,
 * the ONNX graph and its external data. Sorted, so the list (and a hash over it) does not depend on the file system.
 */
export function modelFilePaths(dir: string, onnxPath: string): string[] {
  const graph = basename(onnxPath)
  const external = readdirSync(dirname(onnxPath)).filter(name => isExternalDataOf(graph, name))
  const present = [...REQUIRED_MODEL_FILES, ...OPTIONAL_MODEL_FILES].filter(file => existsSync(join(dir, file)))
  const onnx = [onnxPath, ...external.map(name => join(dirname(onnxPath), name))].map(path => relative(dir, path))
  return [...present, ...onnx].sort()
}
/** A local directory, or a hub repository at a pinned revision (a commit hash or a tag). */
export type ModelSource = { readonly path: string } | { readonly hub: string; readonly revision: string }

export class ModelFilesError extends Error {
  override name = 'ModelFilesError'
}

/** Checks a local model directory and returns the paths of the files the model needs. */
export function localModelFiles(dir: string, dtype: Dtype): { dir: string; onnx: string } {
  const root = resolve(dir)
  if (!existsSync(root)) throw new ModelFilesError(`model directory ${root} does not exist`)
  const missing = [...REQUIRED_MODEL_FILES, ONNX_FILE_BY_DTYPE[dtype]].filter(file => !existsSync(join(root, file)))
  if (missing.length > 0) {
    throw new ModelFilesError(
      `model directory ${root} is missing ${missing.join(', ')}: a model needs ${REQUIRED_MODEL_FILES.join(', ')} and ` +
        `${ONNX_FILE_BY_DTYPE[dtype]} for dtype ${dtype} (the transformers.js layout)`,
    )
  }
  return { dir: root, onnx: join(root, ONNX_FILE_BY_DTYPE[dtype]) }
}

export function describeSource(source: ModelSource): string {
  return 'path' in source ? resolve(source.path) : `${source.hub}@${source.revision}`
}
