/**
 * Parameter counts read from an ONNX decoder's initializers, in both conventions scaling studies use:
 * total (a tied embedding counted once) and non-embedding (Kaplan's: without the token embedding and an
 * untied LM head).
 */
import { readFile } from 'node:fs/promises'
import type { ParameterCounts } from '../core/executor.ts'
import { DataType, onnx, type OnnxNamespace } from '../onnx/proto.ts'
import { ModelFilesError } from '../hub/model-layout.ts'

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE])

/**
 * Learned tensors are the float initializers of rank ≥ 1 and at least `hiddenSize` values (so RoPE tables
 * and scalar constants are left out), plus quantized MatMulNBits weights counted as K × N. The embedding is
 * the table the `input_ids` Gather reads; the LM head is the weight of the MatMul that writes `logits`.
 */
export function countParameters(model: OnnxNamespace.IModelProto, hiddenSize: number): ParameterCounts {
  const graph = model.graph ?? {}
  const initializers = new Map((graph.initializer ?? []).map(t => [t.name ?? '', t]))
  const nodes = graph.node ?? []
  const numel = (t: OnnxNamespace.ITensorProto) => (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1)

  const counted = new Map<string, number>()
  for (const [name, tensor] of initializers) {
    if (FLOAT_TYPES.has(tensor.dataType ?? 0) && (tensor.dims ?? []).length >= 1 && numel(tensor) >= hiddenSize) counted.set(name, numel(tensor))
  }
  for (const node of nodes.filter(n => n.opType === 'MatMulNBits')) {
    const attr = (key: string) => Number(node.attribute?.find(a => a.name === key)?.i ?? 0)
    const weight = node.input?.[1]
    if (weight && initializers.has(weight)) counted.set(weight, attr('K') * attr('N'))
  }

  const embeddingNames = new Set<string>()
  const gather = nodes.find(n => n.opType === 'Gather' && n.input?.[1] === 'input_ids')
  if (gather?.input?.[0]) embeddingNames.add(gather.input[0])
  const head = nodes.find(n => n.output?.includes('logits') && (n.opType === 'MatMul' || n.opType === 'MatMulNBits'))
  const headWeight = head?.input?.[1]
  if (headWeight && counted.has(headWeight)) embeddingNames.add(headWeight)

  let total = 0
  let embedding = 0
  for (const [name, count] of counted) {
    total += count
    if (embeddingNames.has(name)) embedding += count
  }
  return { total, embedding, nonEmbedding: total - embedding }
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
