import { expect, test } from 'vitest'
import { expectedWeightShapes } from '../forge/config.ts'
import { exportFormats, materialiseTiedHead } from '../forge/export-formats.ts'
import { fixtureDecoderConfig, FIXTURE_MODELS } from '../forge/fixture-family.ts'
import { buildDecoderGraph } from '../forge/llama-graph.ts'
import { randomDecoderWeights } from '../forge/random-weights.ts'
import { onnx } from '../onnx/proto.ts'
import { countParameters } from './parameter-count.ts'

const base = fixtureDecoderConfig(FIXTURE_MODELS.find(m => m.name === 'random-attention')!)

test.each([true, false])('every export format counts the config’s parameters (tied head %s), total and non-embedding', tie => {
  const config = { ...base, tieWordEmbeddings: tie }
  const total = [...expectedWeightShapes(config).values()].reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0)
  const embedding = config.vocabSize * config.hiddenSize * (tie ? 1 : 2)
  const expected = { total, embedding, nonEmbedding: total - embedding }
  const fp32 = onnx.ModelProto.decode(buildDecoderGraph(config, randomDecoderWeights(config, 3)))
  const declared = { hiddenSize: config.hiddenSize, tieWordEmbeddings: tie }
  expect(countParameters(fp32, declared)).toEqual(expected)
  for (const model of [materialiseTiedHead(fp32), ...Object.values(exportFormats(fp32))]) expect(countParameters(model, declared)).toEqual(expected)
})

test('a tied head exported as its own copy is counted twice only when the config does not declare the tie', () => {
  const config = { ...base, tieWordEmbeddings: true }
  const exported = materialiseTiedHead(onnx.ModelProto.decode(buildDecoderGraph(config, randomDecoderWeights(config, 3))))
  const once = countParameters(exported, { hiddenSize: config.hiddenSize, tieWordEmbeddings: true })
  const twice = countParameters(exported, { hiddenSize: config.hiddenSize, tieWordEmbeddings: false })
  expect(twice.total - once.total).toBe(config.vocabSize * config.hiddenSize)
  expect(twice.nonEmbedding).toBe(once.nonEmbedding)
})
