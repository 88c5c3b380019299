/**
 * fp32 → fp16 conversion as onnxruntime's float16.convert_float_to_float16 does it with keep_io_types=True (the call
 * transformers.js's conversion scripts make): every float32 initializer becomes float16 (magnitudes clamped into
 * fp16's finite range, tiny non-zeros raised to its smallest subnormal), Cast nodes to float32 cast to float16, and
 * the graph's float32 inputs and outputs stay float32 behind Cast nodes, so callers feed and read float32 as before
 * (or, with keepIoTypes false, become float16).
 */
import { floatsToHalves } from './float16.ts'
import { cloneModel, floatValues, intAttribute, rawTensor, renameInputs, type NodeProto } from './initializers.ts'
import { DataType, type OnnxNamespace } from './proto.ts'

const MAX_FINITE = 65504
const MIN_POSITIVE = 5.96e-8
/** float16.py's DEFAULT_OP_BLOCK_LIST entries a decoder could contain; this converter refuses float inputs to them. */
const BLOCKED_OPS = new Set(['Range', 'CumSum', 'Min', 'Max', 'TopK', 'Resize', 'Upsample', 'NonMaxSuppression', 'RoiAlign'])

export interface Float16Options {
  /**
   * true (default, transformers.js's conversion): float inputs and outputs stay float32 behind Cast nodes. false (as
   * an fp16 export from optimum): the graph reads and writes float16 — its past_key_values, logits and present.
   */
  readonly keepIoTypes?: boolean
}

export function convertToFloat16(source: OnnxNamespace.IModelProto, options: Float16Options = {}): OnnxNamespace.ModelProto {
  const model = cloneModel(source)
  const graph = model.graph!
  const nodes = graph.node ?? []
  const floatInitializers = new Set<string>()
  graph.initializer = (graph.initializer ?? []).map(tensor => {
    if (tensor.dataType !== DataType.FLOAT) return tensor
    floatInitializers.add(tensor.name ?? '')
    const clamped = floatValues(tensor).map(clampToHalfRange)
    return rawTensor(tensor.name ?? '', DataType.FLOAT16, (tensor.dims ?? []).map(Number), floatsToHalves(clamped))
  })
  for (const node of nodes) {
    if (BLOCKED_OPS.has(node.opType ?? '') && (node.input ?? []).some(name => floatInitializers.has(name))) {
      throw new Error(
        `fp16 conversion: node ${node.name} (${node.opType}) reads a float tensor; float16.py keeps such ops in float32, which this converter does not`,
      )
    }
    if (node.opType === 'Cast') {
      node.attribute = (node.attribute ?? []).map(a => (a.name === 'to' && Number(a.i) === DataType.FLOAT ? intAttribute('to', DataType.FLOAT16) : a))
    }
  }
  const isFloat = (value: OnnxNamespace.IValueInfoProto) => value.type?.tensorType?.elemType === DataType.FLOAT
  if (options.keepIoTypes === false) {
    for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
      if (isFloat(value)) value.type!.tensorType!.elemType = DataType.FLOAT16
    }
    return model
  }
  const casts: { first: NodeProto[]; last: NodeProto[] } = { first: [], last: [] }
  ;(graph.input ?? []).filter(isFloat).forEach((input, i) => {
    const name = input.name ?? ''
    const inside = `${name}_fp16`
    renameInputs(nodes, name, inside)
    casts.first.push({ opType: 'Cast', name: `graph_input_cast_${i}`, input: [name], output: [inside], attribute: [intAttribute('to', DataType.FLOAT16)] })
  })
  ;(graph.output ?? []).filter(isFloat).forEach((output, i) => {
    const name = output.name ?? ''
    const inside = `${name}_fp16`
    renameInputs(nodes, name, inside)
    for (const node of nodes) node.output = (node.output ?? []).map(o => (o === name ? inside : o))
    casts.last.push({ opType: 'Cast', name: `graph_output_cast_${i}`, input: [inside], output: [name], attribute: [intAttribute('to', DataType.FLOAT)] })
  })
  for (const info of graph.valueInfo ?? []) {
    const tensorType = info.type?.tensorType
    if (tensorType?.elemType === DataType.FLOAT) tensorType.elemType = DataType.FLOAT16
  }
  graph.node = [...casts.first, ...nodes, ...casts.last]
  return model
}

function clampToHalfRange(value: number): number {
  const magnitude = Math.abs(value)
  if (magnitude === 0 || Number.isNaN(value)) return value
  const clamped = Math.min(MAX_FINITE, Math.max(MIN_POSITIVE, magnitude))
  return value < 0 ? -clamped : clamped
}
