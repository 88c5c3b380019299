/**
 * lmscale's fallback calibration for executors that bring none: a fixed float64 MatMul in JavaScript. It tracks
 * the speed of the CPU core the worker runs on, not of onnxruntime's kernels or a GPU; the default executor
 * calibrates with an onnxruntime MatMul on the model's own device instead (onnx-calibration.ts).
 */
import type { CalibrationWorkload } from '../core/executor.ts'

const SIZE = 96

export function javascriptMatmulCalibration(): CalibrationWorkload {
  const a = Float64Array.from({ length: SIZE * SIZE }, (_, i) => ((i * 7) % 13) / 13 - 0.5)
  const b = Float64Array.from({ length: SIZE * SIZE }, (_, i) => ((i * 5) % 11) / 11 - 0.5)
  const c = new Float64Array(SIZE * SIZE)
  return {
    name: `JavaScript MatMul ${SIZE}×${SIZE} float64`,
    unit: 'FLOP',
    run: async () => {
      c.fill(0)
      for (let i = 0; i < SIZE; i++) {
        for (let k = 0; k < SIZE; k++) {
          const aik = a[i * SIZE + k]!
          for (let j = 0; j < SIZE; j++) c[i * SIZE + j]! += aik * b[k * SIZE + j]!
        }
      }
      return 2 * SIZE ** 3
    },
  }
}
