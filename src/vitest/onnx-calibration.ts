/**
 * The default executor's calibration: a fixed fp32 MatMul in onnxruntime on the model's execution provider and
 * thread count, so it slows down with exactly the kernels, cores or GPU that the model's forward passes use.
 */
import * as ort from 'onnxruntime-node'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { createSession } from '../onnx/session.ts'
import type { CalibrationWorkload, Device } from '../core/executor.ts'

/** The MatMul bound of prefill and scoring: large enough to reach the kernels' peak. */
export const BOUND_SIZE = 512
/** The gate's per-phase calibration: short enough to pair call by call with a fixture model's phases. */
export const PAIR_SIZE = 256

export async function onnxMatmulCalibration(device: Device, threads: number | undefined, size = BOUND_SIZE): Promise<CalibrationWorkload> {
  const graph = new GraphBuilder('lmscale-calibration')
  const a = graph.input('a', 'float32', [size, size])
  const b = graph.weight(
    'b',
    Float32Array.from({ length: size * size }, (_, i) => ((i * 5) % 11) / 11 - 0.5),
    [size, size],
  )
  graph.op('MatMul', [a, b], {}, 'c')
  graph.output('c', 'float32', [size, size])
  // The model's own provider (after any fallback), so CUDA either runs here too or the calibration fails.
  const { session } = await createSession(graph.toBytes(), { device, ...(threads ? { threads } : {}) })
  const input = new ort.Tensor(
    'float32',
    Float32Array.from({ length: size * size }, (_, i) => ((i * 7) % 13) / 13 - 0.5),
    [size, size],
  )
  return {
    name: `onnxruntime MatMul ${size}×${size} fp32 (${device}${threads ? `, ${threads} threads` : ''})`,
    unit: 'FLOP',
    run: async () => {
      await session.run({ a: input })
      return 2 * size ** 3
    },
  }
}
