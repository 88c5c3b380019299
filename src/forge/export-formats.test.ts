/**
 * The export formats' graphs, checked op by op against the fp32 graph they come from: which ops replace which, and
 * that every quantized weight dequantizes to within half a quantization step of the original.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { withExternalData } from '../onnx/external-data-file.ts'
import { floatValues, numel } from '../onnx/initializers.ts'
import { DataType, onnx, type OnnxNamespace } from '../onnx/proto.ts'
import { floatToHalf } from '../onnx/float16.ts'
import { halfToFloat, transpose2d } from '../onnx/tensor-math.ts'
import { buildDecoderGraph } from './llama-graph.ts'
import { exportFormats, materialiseTiedHead } from './export-formats.ts'
import { fixtureDecoderConfig, FIXTURE_MODELS } from './fixture-family.ts'
import { randomDecoderWeights } from './random-weights.ts'

type Model = OnnxNamespace.ModelProto
const tied = fixtureDecoderConfig(FIXTURE_MODELS.find(m => m.name === 'random-attention')!)
const untied = { ...tied, tieWordEmbeddings: false }
const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes)
const initializer = (model: Model, name: string) => model.graph!.initializer!.find(t => t.name === name)!
const constMatMulWeights = (model: Model) => {
  const names = new Set(model.graph!.initializer!.map(t => t.name))
  return model.graph!.node!.filter(n => n.opType === 'MatMul' && names.has(n.input![1]!)).map(n => n.input![1]!)
}
const bytesOf = (tensor: OnnxNamespace.ITensorProto) => Uint8Array.from(tensor.rawData!)
/** Byte equality without Vitest's element-by-element diffing, which takes seconds on arrays this long. */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
const int = (node: OnnxNamespace.INodeProto, name: string) => Number(node.attribute!.find(a => a.name === name)!.i)

let fp32: Model
let exported: ReturnType<typeof exportFormats>
beforeAll(() => {
  fp32 = materialiseTiedHead(decode(buildDecoderGraph(tied, randomDecoderWeights(tied, 7))))
  exported = exportFormats(decode(buildDecoderGraph(tied, randomDecoderWeights(tied, 7))))
})

test('a tied head becomes its own transposed copy of the embedding, as the ONNX exporter writes it; an untied graph is unchanged', () => {
  const embedding = floatValues(initializer(fp32, 'model.embed_tokens.weight'))
  expect(sameBytes(floatValues(initializer(fp32, 'lm_head.weight')), transpose2d(embedding, tied.vocabSize, tied.hiddenSize))).toBe(true)
  expect(fp32.graph!.node!.find(n => n.output!.includes('logits'))!.input![1]).toBe('lm_head.weight')
  expect(fp32.graph!.node!.some(n => n.opType === 'Transpose' && n.input![0] === 'model.embed_tokens.weight')).toBe(false)
  const plain = decode(buildDecoderGraph(untied, randomDecoderWeights(untied, 7)))
  expect(sameBytes(onnx.ModelProto.encode(materialiseTiedHead(plain)).finish(), onnx.ModelProto.encode(plain).finish())).toBe(true)
})

describe('q8: DynamicQuantizeLinear + MatMulInteger with int8 weights, a uint8 embedding', () => {
  test('every MatMul with a constant weight becomes MatMulInteger; one DynamicQuantizeLinear per distinct input', () => {
    const q8 = exported.q8
    const weights = constMatMulWeights(fp32)
    const integer = q8.graph!.node!.filter(n => n.opType === 'MatMulInteger')
    expect(integer.map(n => n.input![1])).toEqual(weights.map(w => `${w}_quantized`))
    const sources = new Set(fp32.graph!.node!.filter(n => n.opType === 'MatMul' && weights.includes(n.input![1]!)).map(n => n.input![0]))
    expect(q8.graph!.node!.filter(n => n.opType === 'DynamicQuantizeLinear').map(n => n.input![0])).toEqual([...sources])
    expect(q8.graph!.node!.some(n => n.opType === 'MatMul' && weights.includes(n.input![1]!))).toBe(false)
  })

  test('int8 weights are symmetric (zero point 0, |q| ≤ 127) and within half a step of the fp32 weights', () => {
    for (const name of constMatMulWeights(fp32)) {
      const original = floatValues(initializer(fp32, name))
      const q = new Int8Array(bytesOf(initializer(exported.q8, `${name}_quantized`)).buffer)
      const scale = floatValues(initializer(exported.q8, `${name}_scale`))[0]!
      expect(initializer(exported.q8, `${name}_zero_point`).rawData).toEqual(new Uint8Array([0]))
      const worst = Math.max(...original.map((w, i) => Math.abs(q[i]! * scale - w)))
      expect(worst).toBeLessThanOrEqual(scale * 0.5 * (1 + 1e-6))
      expect(Math.max(...q.map(Math.abs))).toBe(127)
    }
  })

  test('the embedding is gathered from uint8 and dequantized, within half a step', () => {
    const gather = exported.q8.graph!.node!.find(n => n.opType === 'Gather' && n.input![1] === 'input_ids')!
    expect(gather.input![0]).toBe('model.embed_tokens.weight_quantized')
    expect(exported.q8.graph!.node!.find(n => n.opType === 'DequantizeLinear')!.input).toEqual([
      gather.output![0],
      'model.embed_tokens.weight_scale',
      'model.embed_tokens.weight_zero_point',
    ])
    const original = floatValues(initializer(fp32, 'model.embed_tokens.weight'))
    const q = bytesOf(initializer(exported.q8, 'model.embed_tokens.weight_quantized'))
    const zero = bytesOf(initializer(exported.q8, 'model.embed_tokens.weight_zero_point'))[0]!
    const scale = floatValues(initializer(exported.q8, 'model.embed_tokens.weight_scale'))[0]!
    expect(Math.max(...original.map((w, i) => Math.abs((q[i]! - zero) * scale - w)))).toBeLessThanOrEqual(scale * 0.5 * (1 + 1e-6))
  })
})

test('q4: MatMulNBits (K, N, 4 bits, block 32, no zero points) whose unpacked blocks are within half a step (a step where clamped at +7); the extreme of a block is exact', () => {
  for (const name of constMatMulWeights(fp32)) {
    const node = exported.q4.graph!.node!.find(n => n.opType === 'MatMulNBits' && n.input![1] === `${name}_Q4`)!
    const [K, N] = initializer(fp32, name).dims!.map(Number) as [number, number]
    expect([node.domain, int(node, 'K'), int(node, 'N'), int(node, 'bits'), int(node, 'block_size'), node.input!.length]).toEqual([
      'com.microsoft',
      K,
      N,
      4,
      32,
      3,
    ])
    const original = floatValues(initializer(fp32, name))
    const packed = bytesOf(initializer(exported.q4, `${name}_Q4`))
    const scales = floatValues(initializer(exported.q4, `${name}_scales`))
    const blocks = Math.ceil(K / 32)
    let worst = 0
    let clampedWorst = 0
    const inexactExtremes: number[] = []
    for (let n = 0; n < N; n++) {
      for (let b = 0; b < blocks; b++) {
        const scale = scales[n * blocks + b]!
        let extreme = { original: 0, dequantized: 0 }
        for (let k = b * 32; k < Math.min(K, b * 32 + 32); k++) {
          const byte = packed[(n * blocks + b) * 16 + ((k % 32) >> 1)]!
          const q = k % 2 === 0 ? byte & 15 : byte >> 4
          const dequantized = (q - 8) * scale
          const w = original[k * N + n]!
          // Symmetric 4-bit spans −8…7 steps: a value of the extreme's opposite sign clamps at 7 (up to a step off).
          if (q < 15) worst = Math.max(worst, Math.abs(dequantized - w) / Math.abs(scale))
          else clampedWorst = Math.max(clampedWorst, Math.abs(dequantized - w) / Math.abs(scale))
          if (Math.abs(w) > Math.abs(extreme.original)) extreme = { original: w, dequantized }
        }
        if (extreme.dequantized !== extreme.original) inexactExtremes.push(n * blocks + b)
      }
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-5)
    expect(clampedWorst).toBeLessThanOrEqual(1 + 1e-5)
    expect(inexactExtremes).toEqual([])
  }
})

test('fp16 keeps float32 inputs and outputs behind Casts and rounds every float weight to its nearest half', () => {
  const io = (model: Model) => [...model.graph!.input!, ...model.graph!.output!].map(v => [v.name, v.type!.tensorType!.elemType])
  for (const model of [exported.fp16, exported.q4f16]) {
    expect(io(model)).toEqual(io(fp32))
    expect(model.graph!.initializer!.filter(t => t.dataType === DataType.FLOAT).map(t => t.name)).toEqual([])
  }
  for (const tensor of fp32.graph!.initializer!.filter(t => t.dataType === DataType.FLOAT && numel(t) > 1)) {
    const halves = new Uint16Array(bytesOf(initializer(exported.fp16, tensor.name!)).buffer)
    expect(Array.from(halves, halfToFloat)).toEqual(Array.from(floatValues(tensor), v => halfToFloat(floatToHalf(v))))
  }
})

test('external data: weights of at least the threshold leave the graph for one file, at their recorded offsets', () => {
  const { graph, data } = withExternalData(fp32, 'model.onnx_data', 1024)
  const moved = decode(graph).graph!.initializer!.filter(t => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
  const large = fp32.graph!.initializer!.filter(t => (t.rawData?.length ?? 0) >= 1024)
  expect(moved.map(t => t.name)).toEqual(large.map(t => t.name))
  for (const tensor of moved) {
    const entry = Object.fromEntries(tensor.externalData!.map(e => [e.key, e.value]))
    expect(entry.location).toBe('model.onnx_data')
    const original = bytesOf(initializer(fp32, tensor.name!))
    expect(sameBytes(data.subarray(Number(entry.offset), Number(entry.offset) + Number(entry.length)), original)).toBe(true)
  }
  expect(data.length).toBe(large.reduce((sum, t) => sum + t.rawData!.length, 0))
})
