/**
 * Parameter counts read from an ONNX decoder's initializers, in both conventions scaling studies use:
 * total (a tied embedding counted once) and non-embedding (Kaplan's: without the token embedding and an
 * untied LM head).
 */
import { readFile } from 'node:fs/promises'
import type { ParameterCounts } from '../core/executor.ts'
import { DataType, onnx, type OnnxNamespace } from '../onnx/proto.ts'
import { ModelFilesError } from '../hub/model-layout.ts'
import { matMulNBitsWeights } from '../onnx/quantize-nbits.ts'

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE])
const INT8_TYPES = new Set<number>([DataType.INT8, DataType.UINT8])
const MATRIX_PRODUCTS = new Set(['MatMul', 'MatMulInteger', 'MatMulNBits', 'Gemm'])
/** Inputs of quantization ops that hold scales and zero points, not weights: op → input positions. */
const QUANTIZATION_METADATA: Readonly<Record<string, readonly number[]>> = {
  MatMulInteger: [2, 3],
  MatMulNBits: [2, 3, 4, 5],
  DequantizeLinear: [1, 2],
  QuantizeLinear: [1, 2],
}

export interface ParameterCountConfig {
  /** config.json's hidden_size: float tensors with fewer values are constants (RoPE tables, scalars), not weights. */
  readonly hiddenSize: number
  /** config.json's tie_word_embeddings: an LM head exported as its own copy of the embedding is the same parameters. */
  readonly tieWordEmbeddings: boolean
}

/**
 * Learned tensors, whatever the export format: float initializers (fp32, fp16) of rank ≥ 1 and at least
 * `hiddenSize` values (so RoPE tables and scalar constants are left out), 8-bit weights (MatMulInteger's B, a
 * Gather's quantized table), and MatMulNBits' packed blocks counted as the K × N weights they stand for; scales
 * and zero points of quantization ops are not parameters. The embedding is the table the `input_ids` Gather
 * reads; the LM head is the weight of the last matrix product before `logits`, not counted again when the config
 * ties it to the embedding.
 */
export function countParameters(model: OnnxNamespace.IModelProto, config: ParameterCountConfig): ParameterCounts {
  const graph = model.graph ?? {}
  const initializers = new Map((graph.initializer ?? []).map(t => [t.name ?? '', t]))
  const nodes = graph.node ?? []
  const numel = (t: OnnxNamespace.ITensorProto) => (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1)

  const metadata = new Set<string>()
  for (const node of nodes) for (const i of QUANTIZATION_METADATA[node.opType ?? ''] ?? []) metadata.add(node.input?.[i] ?? '')
  // A dynamically quantized MatMul rescales by (activation scale × weight scale): the weight scale is metadata too.
  const activationScales = new Set(nodes.filter(n => n.opType === 'DynamicQuantizeLinear').map(n => n.output?.[1] ?? ''))
  for (const node of nodes.filter(n => n.opType === 'Mul' && n.input?.some(i => activationScales.has(i)))) for (const i of node.input ?? []) metadata.add(i)

  const counted = new Map<string, number>()
  for (const [name, tensor] of initializers) {
    if (metadata.has(name)) continue
    const type = tensor.dataType ?? 0
    if ((FLOAT_TYPES.has(type) || INT8_TYPES.has(type)) && (tensor.dims ?? []).length >= 1 && numel(tensor) >= config.hiddenSize)
      counted.set(name, numel(tensor))
  }
  for (const node of nodes.filter(n => n.opType === 'MatMulNBits')) {
    const weight = node.input?.[1]
    if (weight && initializers.has(weight)) counted.set(weight, matMulNBitsWeights(node))
  }

  const embedding = nodes.find(n => n.opType === 'Gather' && n.input?.[1] === 'input_ids')?.input?.[0]
  const head = headWeight(nodes)
  if (head && head !== embedding && config.tieWordEmbeddings) counted.delete(head)
  const embeddingNames = new Set([embedding, head].filter((name): name is string => name !== undefined && counted.has(name)))

  let total = 0
  let embeddingCount = 0
  for (const [name, count] of counted) {
    total += count
    if (embeddingNames.has(name)) embeddingCount += count
  }
  return { total, embedding: embeddingCount, nonEmbedding: total - embeddingCount }
}

/** The weight input of the matrix product nearest `logits`, searched backwards through casts and rescaling. */
function headWeight(nodes: readonly OnnxNamespace.INodeProto[]): string | undefined {
  const producer = new Map<string, OnnxNamespace.INodeProto>()
  for (const node of nodes) for (const output of node.output ?? []) producer.set(output, node)
  let frontier = ['logits']
  const seen = new Set<string>()
  while (frontier.length > 0) {
    const next: string[] = []
    for (const value of frontier) {
      const node = producer.get(value)
      if (!node || seen.has(value)) continue
      seen.add(value)
      if (MATRIX_PRODUCTS.has(node.opType ?? '')) return node.input?.[1]
      next.push(...(node.input ?? []))
    }
    frontier = next
  }
  return undefined
}

/** Decodes the graph without weights' raw data mattering: external-data models keep weights outside the proto. */
export async function readOnnxModel(path: string): Promise<OnnxNamespace.ModelProto> {
  const bytes = await readFile(path)
  try {
    return onnx.ModelProto.decode(bytes)
  } catch (error) {
    // protobufjs says only "index out of range" for a truncated file.
    const reason = error instanceof Error ? error.message : String(error)
    throw new ModelFilesError(`${path} (${bytes.length} bytes) is not a readable ONNX model (${reason}); is it truncated? Re-download or re-export it`, {
      cause: error,
    })
  }
}
