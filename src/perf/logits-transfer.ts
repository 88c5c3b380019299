/**
 * The JavaScript-side cost per token of the naive scoring method: copying a position's full logits out of
 * onnxruntime, then the log-softmax over the vocabulary in JavaScript.
 */
import * as ort from 'onnxruntime-node'
import { GraphBuilder } from '../onnx/graph-builder.ts'
import { scoreLogits } from '../models/score-logits.ts'
import { timeCall, type TimingOptions } from '../core/timing.ts'

export interface NaiveJavascriptCost {
  readonly positions: number
  /** Moving one position's fp32 logits from onnxruntime into a JavaScript array, µs. */
  readonly transferMicrosPerToken: number
  /** The float64 log-softmax over the vocabulary and the argmax, µs per scored position. */
  readonly logSoftmaxMicrosPerToken: number
  readonly totalMicrosPerToken: number
}

/**
 * A graph that fills a [1, positions, vocab] `logits` output and also reduces it to a scalar: run once
 * fetching the logits and once fetching only the scalar, it does the same work inside onnxruntime, so the
 * difference is the transfer alone. The log-softmax is timed on the fetched logits.
 */
export async function measureNaiveJavascriptCost(positions: number, vocabSize: number, options: TimingOptions = {}): Promise<NaiveJavascriptCost> {
  const g = new GraphBuilder('logits_transfer')
  const seed = g.input('seed', 'float32', [1, positions, 1])
  g.output('logits', 'float32', [1, positions, vocabSize])
  g.output('peak', 'float32', [])
  const logits = g.op('Expand', [seed, g.int64([1, positions, vocabSize])], {}, 'logits')
  g.op('ReduceMax', [logits], { keepdims: 0 }, 'peak')
  const session = await ort.InferenceSession.create(g.toBytes(), { executionProviders: ['cpu'] })
  try {
    const values = Float32Array.from({ length: positions }, (_, i) => Math.sin(i))
    const feeds = { seed: new ort.Tensor('float32', values, [1, positions, 1]) }
    const settings = { iterations: 10, ...options }
    const withLogits = await timeCall('fetch logits', () => session.run(feeds, ['logits']), settings)
    const withoutLogits = await timeCall('fetch scalar', () => session.run(feeds, ['peak']), settings)
    const fetched = (await session.run(feeds, ['logits'])).logits!.data as Float32Array
    const targets = Array.from({ length: positions }, (_, i) => (i * 7919) % vocabSize)
    const logSoftmax = await timeCall('log-softmax', async () => scoreLogits(fetched, vocabSize, positions, 0, 0, targets, 'naive'), settings)
    const transferMicrosPerToken = ((withLogits.medianMs - withoutLogits.medianMs) * 1000) / positions
    const logSoftmaxMicrosPerToken = (logSoftmax.medianMs * 1000) / positions
    return { positions, transferMicrosPerToken, logSoftmaxMicrosPerToken, totalMicrosPerToken: transferMicrosPerToken + logSoftmaxMicrosPerToken }
  } finally {
    await session.release()
  }
}
