/** Reading and writing the initializers of a decoded ONNX model (protobufjs objects), for graph transforms. */
import { DataType, onnx, type OnnxNamespace } from './proto.ts'

export type TensorProto = OnnxNamespace.ITensorProto
export type NodeProto = OnnxNamespace.INodeProto

/** A deep copy, so a transform never edits the caller's model. */
export function cloneModel(model: OnnxNamespace.IModelProto): OnnxNamespace.ModelProto {
  return onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish())
}

export function numel(tensor: TensorProto): number {
  return (tensor.dims ?? []).reduce<number>((a, b) => a * Number(b), 1)
}

/** A float32 initializer's values, from raw_data or float_data. */
export function floatValues(tensor: TensorProto): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) throw new Error(`initializer ${tensor.name} is not float32 (data type ${tensor.dataType})`)
  const raw = tensor.rawData
  if (raw && raw.length > 0) {
    // Copy: raw_data need not be 4-byte aligned inside the decoded buffer.
    return new Float32Array(Uint8Array.from(raw).buffer)
  }
  return Float32Array.from(tensor.floatData ?? [])
}

/** A tensor whose raw_data holds `values` (little-endian, as every platform onnxruntime runs on). */
export function rawTensor(name: string, dataType: number, dims: readonly number[], values: ArrayBufferView): TensorProto {
  const raw = new Uint8Array(values.byteLength)
  raw.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
  return { name, dataType, dims: [...dims], rawData: raw }
}

export function intAttribute(name: string, i: number): OnnxNamespace.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i }
}

export function attributeInt(node: NodeProto, name: string): number | undefined {
  const found = node.attribute?.find(a => a.name === name)
  return found ? Number(found.i) : undefined
}

/** Replaces every use of `from` as a node input by `to`. */
export function renameInputs(nodes: readonly NodeProto[], from: string, to: string): void {
  for (const node of nodes) node.input = (node.input ?? []).map(name => (name === from ? to : name))
}

/** The initializers no node reads any more, dropped (a transform that replaces a weight leaves its original unused). */
export function dropUnusedInitializers(graph: OnnxNamespace.IGraphProto): void {
  const used = new Set((graph.node ?? []).flatMap(n => n.input ?? []))
  for (const output of graph.output ?? []) used.add(output.name ?? '')
  graph.initializer = (graph.initializer ?? []).filter(t => used.has(t.name ?? ''))
}
