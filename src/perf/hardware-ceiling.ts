/**
 * What this machine can do through onnxruntime, measured in the benchmark's own process: the fp32 MatMul
 * rate (the compute ceiling a forward pass is compared with) and the rate weights stream from memory (the
 * bound of batch-1 decoding, which reads every weight once per token).
 */
import * as ort from 'onnxruntime-node'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { NO_SPINNING } from '../onnx/session.ts'
import { seededRandom } from '../core/random.ts'
import { timeCall, type Timing, type TimingOptions } from '../core/timing.ts'
import type { CalibrationWorkload } from '../core/executor.ts'

export interface SessionThreads {
  /** Intra-op threads; undefined lets onnxruntime choose (one per physical core), as the models do. */
  readonly threads?: number
}

function sessionOptions({ threads }: SessionThreads): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    extra: NO_SPINNING,
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  }
}

function randomFloats(count: number, seed: number): Float32Array {
  const random = seededRandom(seed).uniform
  return Float32Array.from({ length: count }, () => random() - 0.5)
}

export interface MatMulCeiling {
  /** [m, k] × [k, n]. */
  readonly shape: readonly [number, number, number]
  readonly gflops: number
  readonly timing: Timing
}

/**
 * GFLOP/s of an fp32 [m, k] × [k, n] MatMul with the right operand a weight (an initializer, pre-packed by
 * onnxruntime as model weights are) and the left one fed per call: 2mkn FLOPs per call. A number alone is the
 * square [n, n] × [n, n].
 */
export async function measureMatMulCeiling(
  size: number | readonly [number, number, number] = 2048,
  options: TimingOptions & SessionThreads = {},
): Promise<MatMulCeiling> {
  const [m, k, n] = typeof size === 'number' ? [size, size, size] : size
  const g = new GraphBuilder('matmul_ceiling')
  const a = g.input('a', 'float32', [m, k])
  g.output('c', 'float32', [m, n])
  g.op('MatMul', [a, g.weight('b', randomFloats(k * n, 1), [k, n])], {}, 'c')
  const session = await ort.InferenceSession.create(g.toBytes(), sessionOptions(options))
  const feeds = { a: new ort.Tensor('float32', randomFloats(m * k, 2), [m, k]) }
  try {
    const timing = await timeCall('matmul', () => session.run(feeds), { iterations: 10, ...options })
    return { shape: [m, k, n], gflops: (2 * m * k * n) / (timing.medianMs * 1e6), timing }
  } finally {
    await session.release()
  }
}

/** The best of several shapes (the model's own among them), so the ceiling is one: no kernel shape beats it here. */
export async function bestMatMulCeiling(
  shapes: readonly (readonly [number, number, number])[],
  options: TimingOptions & SessionThreads = {},
): Promise<{ readonly best: MatMulCeiling; readonly all: readonly MatMulCeiling[] }> {
  const all: MatMulCeiling[] = []
  for (const shape of shapes) all.push(await measureMatMulCeiling(shape, options))
  return { best: all.reduce((a, b) => (b.gflops > a.gflops ? b : a)), all }
}

export interface MemoryBandwidth {
  /** The higher of the two rates below, GB/s (10⁹ bytes): the stricter bound. */
  readonly gbPerSecond: number
  /** A vector × matrix product over a weight (the decode access pattern), GB/s of weight bytes. */
  readonly matVecGbPerSecond: number
  /** A ReduceSum over a fed tensor of the same size, GB/s. */
  readonly reduceGbPerSecond: number
  readonly bytes: number
}

/**
 * Streams `megabytes` of fp32 (far beyond the last-level cache) two ways: a [1, k] × [k, n] MatMul whose
 * [k, n] operand is a weight, and a ReduceSum over a fed tensor. Both read every byte once per call.
 */
export async function measureMemoryBandwidth(megabytes = 256, options: TimingOptions & SessionThreads = {}): Promise<MemoryBandwidth> {
  const k = 4096
  const n = Math.round((megabytes * 2 ** 20) / 4 / k / 64) * 64
  const bytes = k * n * 4
  const data = randomFloats(k * n, 3)

  const mv = new GraphBuilder('matvec_bandwidth')
  const x = mv.input('x', 'float32', [1, k])
  mv.output('y', 'float32', [1, n])
  mv.op('MatMul', [x, mv.weight('w', data, [k, n])], {}, 'y')
  const matVec = await ort.InferenceSession.create(mv.toBytes(), sessionOptions(options))
  const rs = new GraphBuilder('reduce_bandwidth')
  const big = rs.input('big', 'float32', [k, n])
  rs.output('sum', 'float32', [])
  rs.op('ReduceSum', [big], { keepdims: 0 }, 'sum')
  const reduce = await ort.InferenceSession.create(rs.toBytes(), sessionOptions(options))
  try {
    const vector = { x: new ort.Tensor('float32', randomFloats(k, 4), [1, k]) }
    const matrix = { big: new ort.Tensor('float32', data, [k, n]) }
    const rate = (timing: Timing) => bytes / (timing.medianMs * 1e6)
    const matVecGbPerSecond = rate(await timeCall('matvec', () => matVec.run(vector), { iterations: 20, ...options }))
    const reduceGbPerSecond = rate(await timeCall('reduce', () => reduce.run(matrix), { iterations: 20, ...options }))
    return { gbPerSecond: Math.max(matVecGbPerSecond, reduceGbPerSecond), matVecGbPerSecond, reduceGbPerSecond, bytes }
  } finally {
    await Promise.all([matVec.release(), reduce.release()])
  }
}

/**
 * The throughput phase's memory bound: a [1, k] × [k, n] fp32 MatMul over a weight of `megabytes` (beyond the
 * last-level cache), the access pattern of a batch-1 decode step, at the decode threads. Counts weight bytes.
 */
export async function bandwidthCalibration(threads: number, megabytes = 64): Promise<CalibrationWorkload> {
  const k = 2048
  const n = Math.round((megabytes * 2 ** 20) / 4 / k / 64) * 64
  const g = new GraphBuilder('bandwidth_calibration')
  const x = g.input('x', 'float32', [1, k])
  g.output('y', 'float32', [1, n])
  g.op('MatMul', [x, g.weight('w', randomFloats(k * n, 5), [k, n])], {}, 'y')
  const session = await ort.InferenceSession.create(g.toBytes(), sessionOptions({ threads }))
  const vector = { x: new ort.Tensor('float32', randomFloats(k, 6), [1, k]) }
  return {
    name: `onnxruntime MatVec ${k}×${n} fp32 (cpu, ${threads} threads)`,
    unit: 'byte',
    run: async () => {
      await session.run(vector)
      return k * n * 4
    },
  }
}
