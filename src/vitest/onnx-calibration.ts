/**
 * The default executor's calibration: a fixed fp32 MatMul in onnxruntime on the model's execution provider and
 * thread count, so it slows down with exactly the kernels, cores or GPU that the model's forward passes use.
 */
import * as ort from 'onnxruntime-node'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { createSession } from '../onnx/session.ts'
import type { CalibrationWorkload, Device } from '../core/executor.ts'

const SIZE = 512

export async function onnxMatmulCalibration(device: Device, threads: number | undefined): Promise<CalibrationWorkload> {
  const graph = new GraphBuilder('lmscale-calibration')
  const a = graph.input('a', 'float32', [SIZE, SIZE])
  const b = graph.weight(
    'b',
    Float32Array.from({ length: SIZE * SIZE }, (_, i) => ((i * 5) % 11) / 11 - 0.5),
    [SIZE, SIZE],
  )
  graph.op('MatMul', [a, b], {}, 'c')
  graph.output('c', 'float32', [SIZE, SIZE])
  // The model's own provider (after any fallback), so CUDA either runs here too or the calibration fails.
  const { session } = await createSession(graph.toBytes(), { device, ...(threads ? { threads } : {}) })
  const input = new ort.Tensor(
    'float32',
    Float32Array.from({ length: SIZE * SIZE }, (_, i) => ((i * 7) % 13) / 13 - 0.5),
    [SIZE, SIZE],
  )
  return {
    name: `onnxruntime MatMul ${SIZE}×${SIZE} fp32 (${device}${threads ? `, ${threads} threads` : ''})`,
    unit: 'FLOP',
    run: async () => {
      await session.run({ a: input })
      return 2 * SIZE ** 3
    },
  }
}
