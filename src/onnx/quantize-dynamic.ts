/**
 * 8-bit dynamic quantization as onnxruntime's quantize_dynamic makes it with the options transformers.js's
 * conversion scripts pass (IntegerOps mode, per-tensor, no reduced range, MatMulConstBOnly, int8 weights for
 * decoders without Conv):
 * - a MatMul whose B is a float initializer becomes DynamicQuantizeLinear(A) (uint8, one scale per call over the
 *   whole A tensor, shared by every MatMul reading A) → MatMulInteger with the symmetric int8 weight →
 *   Cast to float → Mul by A's scale times the weight's scale;
 * - a Gather from a float initializer (the token embedding) reads an asymmetric uint8 copy and dequantizes
 *   what it gathered with DequantizeLinear.
 */
import { cloneModel, dropUnusedInitializers, floatValues, intAttribute, rawTensor, type NodeProto, type TensorProto } from './initializers.ts'
import { DataType, type OnnxNamespace } from './proto.ts'

export function quantizeDynamicInt8(source: OnnxNamespace.IModelProto): OnnxNamespace.ModelProto {
  const model = cloneModel(source)
  const graph = model.graph!
  const initializers = new Map((graph.initializer ?? []).map(t => [t.name ?? '', t]))
  const floatMatrix = (name: string | undefined) => {
    const tensor = name === undefined ? undefined : initializers.get(name)
    return tensor?.dataType === DataType.FLOAT && (tensor.dims ?? []).length === 2 ? tensor : undefined
  }
  const added: TensorProto[] = []
  const quantizedActivations = new Map<string, [string, string, string]>()
  const nodes: NodeProto[] = []
  for (const node of graph.node ?? []) {
    const [a, b] = node.input ?? []
    const output = node.output?.[0] ?? ''
    if (node.opType === 'MatMul' && floatMatrix(b)) {
      const weight = quantizeSymmetricInt8(floatMatrix(b)!)
      added.push(...weight.tensors)
      let activation = quantizedActivations.get(a!)
      if (!activation) {
        activation = [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`]
        nodes.push({ opType: 'DynamicQuantizeLinear', name: `${a}_QuantizeLinear`, input: [a!], output: [...activation] })
        quantizedActivations.set(a!, activation)
      }
      const [aQuantized, aScale, aZeroPoint] = activation
      const base = node.name ?? output
      nodes.push(
        {
          opType: 'MatMulInteger',
          name: `${base}_quant`,
          input: [aQuantized, weight.quantized, aZeroPoint, weight.zeroPoint],
          output: [`${output}_output_quantized`],
        },
        { opType: 'Mul', name: `${base}_scales_mul`, input: [aScale, weight.scale], output: [`${base}_scales_mul:0`] },
        {
          opType: 'Cast',
          name: `${output}_output_quantized_cast`,
          input: [`${output}_output_quantized`],
          output: [`${output}_output_quantized_cast_output`],
          attribute: [intAttribute('to', DataType.FLOAT)],
        },
        { opType: 'Mul', name: `${base}_output_scale_mul`, input: [`${output}_output_quantized_cast_output`, `${base}_scales_mul:0`], output: [output] },
      )
    } else if (node.opType === 'Gather' && floatMatrix(a)) {
      const table = quantizeAsymmetricUint8(floatMatrix(a)!)
      added.push(...table.tensors)
      nodes.push(
        { ...node, input: [table.quantized, b!], output: [`${output}_quantized`] },
        { opType: 'DequantizeLinear', name: `${output}_DequantizeLinear`, input: [`${output}_quantized`, table.scale, table.zeroPoint], output: [output] },
      )
    } else {
      nodes.push(node)
    }
  }
  graph.node = nodes
  graph.initializer = [...(graph.initializer ?? []), ...added]
  dropUnusedInitializers(graph)
  return model
}

interface QuantizedTensor {
  readonly quantized: string
  readonly scale: string
  readonly zeroPoint: string
  readonly tensors: TensorProto[]
}

/** int8 in [−127, 127], zero point 0, scale = max|w| / 127 (computed in float64, stored as float32), round half to even. */
function quantizeSymmetricInt8(tensor: TensorProto): QuantizedTensor {
  const values = floatValues(tensor)
  let absMax = 0
  for (const v of values) absMax = Math.max(absMax, Math.abs(v))
  const scale = absMax > 0 ? Math.fround(absMax / 127) : 1
  const quantized = Int8Array.from(values, v => Math.max(-127, Math.min(127, roundHalfToEven(Math.fround(v / scale)))))
  return packQuantized(tensor, DataType.INT8, quantized, scale, new Int8Array([0]))
}

/** uint8 in [0, 255] over [min(w, 0), max(w, 0)], zero point round(−min / scale), round half to even. */
function quantizeAsymmetricUint8(tensor: TensorProto): QuantizedTensor {
  const values = floatValues(tensor)
  let min = 0
  let max = 0
  for (const v of values) {
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  // onnxruntime subtracts in float32, then divides in float64 (the zero point uses that float64 scale).
  const exactScale = Math.fround(max - min) / 255
  const scale = exactScale > 0 ? Math.fround(exactScale) : 1
  const zeroPoint = exactScale > 0 ? roundHalfToEven(-min / exactScale) : 0
  const quantized = Uint8Array.from(values, v => Math.max(0, Math.min(255, roundHalfToEven(Math.fround(v / scale)) + zeroPoint)))
  return packQuantized(tensor, DataType.UINT8, quantized, scale, new Uint8Array([zeroPoint]))
}

function packQuantized(
  tensor: TensorProto,
  dataType: number,
  quantized: Int8Array | Uint8Array,
  scale: number,
  zeroPoint: Int8Array | Uint8Array,
): QuantizedTensor {
  const name = tensor.name ?? ''
  const names = { quantized: `${name}_quantized`, scale: `${name}_scale`, zeroPoint: `${name}_zero_point` }
  return {
    ...names,
    tensors: [
      rawTensor(names.quantized, dataType, (tensor.dims ?? []).map(Number), quantized),
      rawTensor(names.scale, DataType.FLOAT, [], new Float32Array([scale])),
      rawTensor(names.zeroPoint, dataType, [], zeroPoint),
    ],
  }
}

/** numpy's round: halves go to the even neighbour. */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x)
  const diff = x - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}
