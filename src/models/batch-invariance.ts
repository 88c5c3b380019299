/**
 * Which graphs cannot share an onnxruntime call between rows without a row's result depending on its neighbours:
 * - activations quantized with one scale per tensor computed at run time (DynamicQuantizeLinear, as
 *   onnxruntime's quantize_dynamic writes q8 exports, or its fused DynamicQuantizeMatMul): rows in one call share
 *   the scale with each other and with padding;
 * - float16 arithmetic (fp16 and q4f16 exports): onnxruntime's CPU kernels round differently at different
 *   sequence widths, so the padding a batch adds changes a row's values (measured on onnxruntime 1.30).
 * lmscale runs such graphs one row per call, which never pads.
 */
import { DataType, type OnnxNamespace } from '../onnx/proto.ts'

const PER_TENSOR_DYNAMIC_OPS = new Set(['DynamicQuantizeLinear', 'DynamicQuantizeMatMul'])

/** Why the graph must run one row per call, or undefined when rows may share calls. */
export function oneRowPerCallReason(model: OnnxNamespace.IModelProto): string | undefined {
  const graph = model.graph ?? {}
  if ((graph.node ?? []).some(node => PER_TENSOR_DYNAMIC_OPS.has(node.opType ?? ''))) return 'activations quantized per tensor (DynamicQuantizeLinear)'
  const castsToHalf = (graph.node ?? []).some(node => node.opType === 'Cast' && node.attribute?.some(a => a.name === 'to' && Number(a.i) === DataType.FLOAT16))
  if (castsToHalf || (graph.initializer ?? []).some(t => t.dataType === DataType.FLOAT16))
    return 'float16 arithmetic, whose CPU kernels round differently at different widths'
  return undefined
}
