/** Test helper: a copy of a forged model whose weights live in an external-data file, as large exports keep them. */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withExternalData as splitWeights } from '../src/onnx/external-data-file.ts'
import { onnx } from '../src/onnx/proto.ts'

/** A copy of a model directory whose onnx/model.onnx keeps every initializer in onnx/model.onnx_data. */
export async function withExternalData(dir: string): Promise<string> {
  const copy = join(await mkdtemp(join(tmpdir(), 'lmscale-external-')), 'model')
  await cp(dir, copy, { recursive: true })
  const model = onnx.ModelProto.decode(await readFile(join(copy, 'onnx', 'model.onnx')))
  const { graph, data } = splitWeights(model, 'model.onnx_data', 1)
  await writeFile(join(copy, 'onnx', 'model.onnx_data'), data)
  await writeFile(join(copy, 'onnx', 'model.onnx'), graph)
  return copy
}
