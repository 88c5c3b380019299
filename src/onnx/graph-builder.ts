/**
 * A small typed builder for ONNX graphs: inputs, outputs, initializers and nodes with generated names.
 * Enough for decoder graphs; not a general ONNX authoring tool.
 */
import { DataType, onnx, type OnnxNamespace } from './proto.ts'

type TensorProto = OnnxNamespace.ITensorProto
type Dim = number | string
export type ElementType = 'float32' | 'float16' | 'int64' | 'bool'
/** Integers, integer lists and strings; floats are spelled `{ float: x }` so 1.0 is not taken for an int. */
export type AttributeValue = number | number[] | string | { float: number }

const ELEMENT_TYPES: Record<ElementType, number> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int64: DataType.INT64,
  bool: DataType.BOOL,
}

const LOWEST_FLOAT32 = -3.4028234663852886e38

export class GraphBuilder {
  private readonly nodes: OnnxNamespace.INodeProto[] = []
  private readonly initializers: TensorProto[] = []
  private readonly inputs: OnnxNamespace.IValueInfoProto[] = []
  private readonly outputs: OnnxNamespace.IValueInfoProto[] = []
  private readonly constants = new Map<string, string>()
  private counter = 0

  constructor(private readonly name: string) {}

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims))
    return name
  }

  output(name: string, type: ElementType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims))
  }

  /** A float initializer; `data` is row-major with the given dims. */
  weight(name: string, data: Float32Array, dims: readonly number[]): string {
    const expected = dims.reduce((a, b) => a * b, 1)
    if (data.length !== expected) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`)
    this.initializers.push(floatTensor(name, data, dims))
    return name
  }

  /** An int64 constant, shared between nodes that use the same values. */
  int64(values: readonly number[], scalar = false): string {
    const key = `i64:${scalar}:${values.join(',')}`
    let name = this.constants.get(key)
    if (!name) {
      name = this.fresh('const_i64')
      this.initializers.push({
        name,
        dataType: DataType.INT64,
        dims: scalar ? [] : [values.length],
        int64Data: values.map(v => v),
      })
      this.constants.set(key, name)
    }
    return name
  }

  /** A float32 scalar constant (shared). */
  float(value: number): string {
    const key = `f32:${value}`
    let name = this.constants.get(key)
    if (!name) {
      name = this.fresh('const_f32')
      this.initializers.push(floatTensor(name, new Float32Array([value]), []))
      this.constants.set(key, name)
    }
    return name
  }

  /** The lowest finite float32: masked attention scores use it instead of -inf so padded rows stay NaN-free. */
  lowestFloat(): string {
    return this.float(LOWEST_FLOAT32)
  }

  /** Adds a node and returns its single output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.opMulti(opType, inputs, 1, attributes, outputName ? [outputName] : undefined)[0]!
  }

  opMulti(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    outputNames?: readonly string[],
  ): string[] {
    const outputs = outputNames ? [...outputNames] : Array.from({ length: outputCount }, () => this.fresh(opType))
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    })
    return outputs
  }

  /** Serialises the graph as an ONNX model (IR 8, opset 17). */
  toBytes(opset = 17, metadata: Record<string, string> = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'lmscale-forge',
      opsetImport: [{ domain: '', version: opset }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    })
    return onnx.ModelProto.encode(model).finish()
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`
  }
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): OnnxNamespace.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[type],
        shape: { dim: dims.map(d => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

function floatTensor(name: string, data: Float32Array, dims: readonly number[]): TensorProto {
  // raw_data is little-endian; copy so the protobuf does not alias a caller's buffer.
  const raw = new Uint8Array(data.byteLength)
  raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  return { name, dataType: DataType.FLOAT, dims: [...dims], rawData: raw }
}

function attribute(name: string, value: AttributeValue): OnnxNamespace.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value }
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float }
  if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use { float: ${value} })`)
  return { name, type: AttributeType.INT, i: value }
}
