/**
 * The hub's export formats of a forged fp32 model, made the way transformers.js's conversion scripts make them
 * with onnxruntime's tools: fp16 (float32 inputs and outputs), q8 (dynamic int8 MatMulInteger), q4 (MatMulNBits,
 * block 32), q4f16 (q4, then fp16), each beside onnx/model.onnx under transformers.js's file name, and fp32 with
 * its weights in onnx/model.onnx_data in a directory of its own. Like the ONNX exporter, the exports write a tied
 * LM head as its own transposed copy of the embedding (the forged fp32 graph transposes the embedding instead).
 */
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { withExternalData } from '../onnx/external-data-file.ts'
import { cloneModel, floatValues, rawTensor } from '../onnx/initializers.ts'
import { onnx, DataType, type OnnxNamespace } from '../onnx/proto.ts'
import { quantizeDynamicInt8 } from '../onnx/quantize-dynamic.ts'
import { quantizeMatMulNBits } from '../onnx/quantize-nbits.ts'
import { transpose2d } from '../onnx/tensor-math.ts'
import { convertToFloat16 } from '../onnx/to-float16.ts'

/** transformers.js's file of each exported dtype. */
export const EXPORT_FILES = {
  fp16: 'model_fp16.onnx',
  q8: 'model_quantized.onnx',
  q4: 'model_q4.onnx',
  q4f16: 'model_q4f16.onnx',
} as const
export type ExportDtype = keyof typeof EXPORT_FILES

const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']

/** Every export of `model` by dtype, from its fp32 graph. */
export function exportFormats(fp32: OnnxNamespace.IModelProto): Record<ExportDtype, OnnxNamespace.ModelProto> {
  const exported = materialiseTiedHead(fp32)
  const q4 = quantizeMatMulNBits(exported, 32)
  return { fp16: convertToFloat16(exported), q8: quantizeDynamicInt8(exported), q4, q4f16: convertToFloat16(q4) }
}

/** Writes onnx/model_fp16.onnx, model_quantized.onnx, model_q4.onnx and model_q4f16.onnx beside onnx/model.onnx. */
export async function writeExportFormats(modelDir: string): Promise<void> {
  const fp32 = onnx.ModelProto.decode(await readFile(join(modelDir, 'onnx', 'model.onnx')))
  for (const [dtype, model] of Object.entries(exportFormats(fp32)) as [ExportDtype, OnnxNamespace.ModelProto][]) {
    await writeAtomically(join(modelDir, 'onnx', EXPORT_FILES[dtype]), onnx.ModelProto.encode(model).finish())
  }
}

/** A copy of the model directory at `outDir` whose onnx/model.onnx keeps its weights in onnx/model.onnx_data. */
export async function writeExternalDataCopy(modelDir: string, outDir: string): Promise<string> {
  const fp32 = onnx.ModelProto.decode(await readFile(join(modelDir, 'onnx', 'model.onnx')))
  const { graph, data } = withExternalData(materialiseTiedHead(fp32), 'model.onnx_data')
  return writeModelCopy(modelDir, outDir, { 'model.onnx': graph, 'model.onnx_data': data })
}

/**
 * A copy of the model directory at `outDir` whose onnx/model_fp16.onnx reads and writes float16 (past_key_values,
 * logits, present), as an fp16 export from optimum does, where transformers.js's conversion keeps them float32.
 */
export async function writeFloat16IoCopy(modelDir: string, outDir: string): Promise<string> {
  const fp32 = onnx.ModelProto.decode(await readFile(join(modelDir, 'onnx', 'model.onnx')))
  const graph = onnx.ModelProto.encode(convertToFloat16(materialiseTiedHead(fp32), { keepIoTypes: false })).finish()
  return writeModelCopy(modelDir, outDir, { [EXPORT_FILES.fp16]: graph })
}

/** The model's config and tokenizer files with the given files under onnx/, written whole or not at all. */
async function writeModelCopy(modelDir: string, outDir: string, onnxFiles: Readonly<Record<string, Uint8Array>>): Promise<string> {
  const staging = `${outDir}.partial-${process.pid}`
  await rm(staging, { recursive: true, force: true })
  await mkdir(join(staging, 'onnx'), { recursive: true })
  for (const file of MODEL_FILES) await copyFile(join(modelDir, file), join(staging, file))
  for (const [file, bytes] of Object.entries(onnxFiles)) await writeFile(join(staging, 'onnx', file), bytes)
  await rm(outDir, { recursive: true, force: true })
  await rename(staging, outDir)
  return outDir
}

/**
 * The graph with `logits = MatMul(h, Transpose(embedding))` rewritten as `MatMul(h, lm_head.weight)` over a
 * transposed copy, as torch's exporter folds a tied head; other graphs unchanged.
 */
export function materialiseTiedHead(source: OnnxNamespace.IModelProto): OnnxNamespace.ModelProto {
  const model = cloneModel(source)
  const graph = model.graph!
  const nodes = graph.node ?? []
  const head = nodes.find(n => n.opType === 'MatMul' && n.output?.includes('logits'))
  const transpose = nodes.find(n => n.opType === 'Transpose' && n.output?.[0] === head?.input?.[1])
  const embedding = (graph.initializer ?? []).find(t => t.name === transpose?.input?.[0])
  if (!head || !transpose || embedding?.dataType !== DataType.FLOAT) return model
  const [rows, cols] = (embedding.dims ?? []).map(Number) as [number, number]
  graph.initializer = [...(graph.initializer ?? []), rawTensor('lm_head.weight', DataType.FLOAT, [cols, rows], transpose2d(floatValues(embedding), rows, cols))]
  head.input = [head.input![0]!, 'lm_head.weight']
  graph.node = nodes.filter(n => n !== transpose)
  return model
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const staging = `${path}.partial-${process.pid}`
  await writeFile(staging, bytes)
  await rename(staging, path)
}
