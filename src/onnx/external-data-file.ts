/**
 * Moves a model's initializers into one external-data file, as onnx.save_model(save_as_external_data=True,
 * all_tensors_to_one_file=True) writes large models (onnx-community's `model.onnx` + `model.onnx_data`): tensors of
 * at least `threshold` bytes leave the proto and are referenced by location, offset and length.
 */
import { cloneModel } from './initializers.ts'
import { onnx, type OnnxNamespace } from './proto.ts'

export interface ExternalDataModel {
  readonly graph: Uint8Array
  readonly data: Uint8Array
}

export function withExternalData(source: OnnxNamespace.IModelProto, location: string, threshold = 1024): ExternalDataModel {
  const model = cloneModel(source)
  const chunks: Uint8Array[] = []
  let offset = 0
  for (const tensor of model.graph?.initializer ?? []) {
    const raw = tensor.rawData
    if (!raw || raw.length < threshold) continue
    tensor.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ]
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL
    tensor.rawData = new Uint8Array(0)
    chunks.push(Uint8Array.from(raw))
    offset += raw.length
  }
  const data = new Uint8Array(offset)
  let at = 0
  for (const chunk of chunks) {
    data.set(chunk, at)
    at += chunk.length
  }
  return { graph: onnx.ModelProto.encode(model).finish(), data }
}
