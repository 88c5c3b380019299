/**
 * The model the performance benchmark runs on: MobileLLM-125M's shape (30 layers, d_model 576, 9 query heads
 * over 3 KV heads, FFN 1536, a 32,000-token vocabulary, tied embeddings) with seeded random weights, forged
 * once into a cache directory. Speed depends on the shape, not on what the weights say. It ships the fixture
 * family's byte-level tokenizer, whose ids are a subset of the vocabulary.
 */
import { existsSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { DecoderConfig } from '../src/forge/config.ts'
import { ensureFixtureModels } from '../src/forge/fixture-family.ts'
import { forgeDecoder } from '../src/forge/forge-decoder.ts'
import { materialiseTiedHead } from '../src/forge/export-formats.ts'
import { onnx } from '../src/onnx/proto.ts'
import { quantizeDynamicInt8 } from '../src/onnx/quantize-dynamic.ts'
import { randomDecoderWeights } from '../src/forge/random-weights.ts'

export const MOBILELLM_125M_SHAPE: DecoderConfig = {
  vocabSize: 32_000,
  hiddenSize: 576,
  intermediateSize: 1536,
  numLayers: 30,
  numHeads: 9,
  numKvHeads: 3,
  ropeTheta: 10_000,
  rmsNormEps: 1e-5,
  maxPositionEmbeddings: 2048,
  tieWordEmbeddings: true,
  bosTokenId: 1,
  eosTokenId: 2,
}

const PERF_MODEL_SEED = 125
const PERF_MODEL_NAME = 'mobilellm-125m-shaped'

/** fixtures/.cache/perf under the working directory (or LMSCALE_FIXTURES_DIR/perf). */
export function defaultPerfDir(): string {
  return resolve(process.env.LMSCALE_FIXTURES_DIR ?? join(process.cwd(), 'fixtures', '.cache'), 'perf')
}

/** The forged 125M-shaped model directory (or the short shape's); forged on first use (about half a gigabyte, deterministic). */
export async function ensurePerfModel(dir = defaultPerfDir(), shape: 'mobilellm-125m' | 'short' = 'mobilellm-125m'): Promise<string> {
  const shapeConfig = shape === 'short' ? SHORT_SHAPE : MOBILELLM_125M_SHAPE
  const path = join(dir, shape === 'short' ? 'short-shaped' : PERF_MODEL_NAME)
  if (existsSync(join(path, 'onnx', 'model.onnx'))) return path
  const fixtures = await ensureFixtureModels()
  const donor = fixtures.models[0]!.path
  const json = JSON.parse(await readFile(join(donor, 'tokenizer.json'), 'utf8')) as object
  const config = JSON.parse(await readFile(join(donor, 'tokenizer_config.json'), 'utf8')) as { bos_token: string; eos_token: string; unk_token?: string }
  const tokenizer = {
    json,
    bosToken: config.bos_token,
    eosToken: config.eos_token,
    addBosToken: true,
    ...(config.unk_token ? { unkToken: config.unk_token } : {}),
  }
  return forgeDecoder(shapeConfig, randomDecoderWeights(shapeConfig, PERF_MODEL_SEED), tokenizer, path)
}

/**
 * The short benchmark's shape (`.ci/run`): MobileLLM's 32,000-token vocabulary, so copying logits out costs
 * what it costs a real model, on a body small enough to forge and run in seconds (4 layers, d_model 128).
 */
export const SHORT_SHAPE: DecoderConfig = {
  ...MOBILELLM_125M_SHAPE,
  hiddenSize: 128,
  intermediateSize: 384,
  numLayers: 4,
  numHeads: 4,
  numKvHeads: 2,
  maxPositionEmbeddings: 1024,
}

/** The q8 export (transformers.js's onnx/model_quantized.onnx: dynamic int8 MatMuls) beside the perf model's fp32 graph, made on first use. */
export async function ensurePerfModelQ8(path: string): Promise<void> {
  const target = join(path, 'onnx', 'model_quantized.onnx')
  if (existsSync(target)) return
  const fp32 = onnx.ModelProto.decode(await readFile(join(path, 'onnx', 'model.onnx')))
  const staging = `${target}.partial-${process.pid}`
  await writeFile(staging, onnx.ModelProto.encode(quantizeDynamicInt8(materialiseTiedHead(fp32))).finish())
  await rename(staging, target)
}
