/** Test helper: a copy of a forged model whose weights live in an external-data file, as large exports keep them. */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onnx } from '../src/onnx/proto.ts'

/** A copy of a model directory whose onnx/model.onnx keeps every initializer in onnx/model.onnx_data. */
export async function withExternalData(dir: string): Promise<string> {
  const copy = join(await mkdtemp(join(tmpdir(), 'lmscale-external-')), 'model')
  await cp(dir, copy, { recursive: true })
  const model = onnx.ModelProto.decode(await readFile(join(copy, 'onnx', 'model.onnx')))
  const chunks: Uint8Array[] = []
  let offset = 0
  for (const tensor of model.graph!.initializer!) {
    if (!tensor.rawData || tensor.rawData.length === 0) continue
    chunks.push(tensor.rawData)
    tensor.externalData = [
      { key: 'location', value: 'model.onnx_data' },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(tensor.rawData.length) },
    ]
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL
    offset += tensor.rawData.length
    tensor.rawData = new Uint8Array(0)
  }
  await writeFile(join(copy, 'onnx', 'model.onnx_data'), Buffer.concat(chunks))
  await writeFile(join(copy, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish())
  return copy
}
