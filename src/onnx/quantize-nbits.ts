/**
 * 4-bit block quantization as onnxruntime's MatMulNBitsQuantizer makes it with the options transformers.js's
 * conversion scripts pass (block 32, symmetric, no accuracy_level): every MatMul whose B is a float32 [K, N]
 * initializer becomes a com.microsoft MatMulNBits reading B column by column in blocks of 32 along K (K padded
 * with zeros to a whole block), each block stored as 16 bytes of 4-bit values (low nibble first) with one float
 * scale, zero point 8 implied (symmetric: no zero-point input). The scale is the block's value of largest
 * magnitude divided by −8, as onnxruntime's MLAS kernel computes it, so that value maps exactly to 0.
 */
import { attributeInt, cloneModel, dropUnusedInitializers, floatValues, intAttribute, rawTensor, type NodeProto, type TensorProto } from './initializers.ts'
import { DataType, type OnnxNamespace } from './proto.ts'

const BITS = 4
const MICROSOFT_DOMAIN = 'com.microsoft'

export function quantizeMatMulNBits(source: OnnxNamespace.IModelProto, blockSize = 32): OnnxNamespace.ModelProto {
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new Error(`MatMulNBits block size ${blockSize}: must be a power of two ≥ 16`)
  }
  const model = cloneModel(source)
  const graph = model.graph!
  const initializers = new Map((graph.initializer ?? []).map(t => [t.name ?? '', t]))
  const added: TensorProto[] = []
  graph.node = (graph.node ?? []).map((node): NodeProto => {
    const weight = initializers.get(node.input?.[1] ?? '')
    if (node.opType !== 'MatMul' || weight?.dataType !== DataType.FLOAT || (weight.dims ?? []).length !== 2) return node
    const [K, N] = (weight.dims ?? []).map(Number) as [number, number]
    const { packed, scales, blocks } = quantizeBlocks(floatValues(weight), K, N, blockSize)
    const name = weight.name ?? ''
    added.push(rawTensor(`${name}_Q4`, DataType.UINT8, [N, blocks, blockSize / 2], packed), rawTensor(`${name}_scales`, DataType.FLOAT, [N, blocks], scales))
    return {
      opType: 'MatMulNBits',
      domain: MICROSOFT_DOMAIN,
      name: node.name ? `${node.name}_Q4` : '',
      input: [node.input![0]!, `${name}_Q4`, `${name}_scales`],
      output: [...(node.output ?? [])],
      attribute: [intAttribute('K', K), intAttribute('N', N), intAttribute('bits', BITS), intAttribute('block_size', blockSize)],
    }
  })
  graph.initializer = [...(graph.initializer ?? []), ...added]
  dropUnusedInitializers(graph)
  if (!(model.opsetImport ?? []).some(o => o.domain === MICROSOFT_DOMAIN))
    model.opsetImport = [...(model.opsetImport ?? []), { domain: MICROSOFT_DOMAIN, version: 1 }]
  return model
}

/** [K, N] row-major weights → packed [N, blocks, blockSize / 2] nibbles and [N, blocks] scales. */
function quantizeBlocks(values: Float32Array, K: number, N: number, blockSize: number) {
  const blocks = Math.ceil(K / blockSize)
  const packed = new Uint8Array(N * blocks * (blockSize / 2))
  const scales = new Float32Array(N * blocks)
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const at = (i: number) => (b * blockSize + i < K ? values[(b * blockSize + i) * N + n]! : 0)
      let extreme = 0
      for (let i = 0; i < blockSize; i++) if (Math.abs(at(i)) > Math.abs(extreme)) extreme = at(i)
      const scale = Math.fround(extreme / -8)
      const reciprocal = scale === 0 ? 0 : Math.fround(1 / scale)
      scales[n * blocks + b] = scale
      const offset = (n * blocks + b) * (blockSize / 2)
      for (let i = 0; i < blockSize; i++) {
        const q = Math.max(0, Math.min(15, Math.round(Math.fround(Math.fround(at(i) * reciprocal) + 8))))
        packed[offset + (i >> 1)]! |= i % 2 === 0 ? q : q << 4
      }
    }
  }
  return { packed, scales, blocks }
}

/** K × N of a MatMulNBits node: the number of weights its packed blocks stand for. */
export function matMulNBitsWeights(node: NodeProto): number {
  return (attributeInt(node, 'K') ?? 0) * (attributeInt(node, 'N') ?? 0)
}
