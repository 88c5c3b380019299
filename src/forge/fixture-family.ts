/**
 * The forged fixture family the default study runs on: five bigram decoders of growing rank and size built
 * from the Brown corpus's training files (exact log-likelihoods known in closed form), and one decoder with
 * random weights and active attention. Generated deterministically on first use and cached.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AutoTokenizer } from '@huggingface/transformers'
import { bigramDecoderWeights, centredLogTableSvd, countBigrams, lowRankFactors, smoothedBigramLogProbs } from './bigram-model.ts'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { byteLevelTokenizerJson, countPieces, SPECIAL_TOKENS, trainByteLevelBpe } from './byte-level-bpe.ts'
import type { DecoderConfig } from './config.ts'
import { forgeDecoder, type ForgedTokenizer } from './forge-decoder.ts'
import { randomDecoderWeights } from './random-weights.ts'
import { writeSafetensors } from './safetensors.ts'

/** Bump when anything below changes what is generated: cached fixtures of another version are rebuilt. */
export const FIXTURE_FORMAT_VERSION = 1
export const FIXTURE_VOCAB_SIZE = 512
const WEIGHT_SEED = 20_261_122

export interface FixtureModelSpec {
  readonly name: string
  readonly kind: 'bigram' | 'random'
  /** Rank of the bigram factorisation (bigram models only). */
  readonly rank?: number
  readonly config: Omit<DecoderConfig, 'vocabSize' | 'bosTokenId' | 'eosTokenId' | 'ropeTheta' | 'rmsNormEps' | 'maxPositionEmbeddings'>
}

const layer = (hiddenSize: number, numLayers: number, numHeads: number, numKvHeads: number, intermediateSize: number, tie = false) =>
  ({ hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, tieWordEmbeddings: tie }) as const

export const FIXTURE_MODELS: readonly FixtureModelSpec[] = [
  { name: 'brown-bigram-xs', kind: 'bigram', rank: 4, config: layer(32, 1, 4, 2, 64) },
  { name: 'brown-bigram-s', kind: 'bigram', rank: 12, config: layer(64, 2, 4, 2, 128) },
  { name: 'brown-bigram-m', kind: 'bigram', rank: 28, config: layer(96, 3, 6, 2, 256) },
  { name: 'brown-bigram-l', kind: 'bigram', rank: 56, config: layer(128, 4, 8, 2, 384) },
  { name: 'brown-bigram-xl', kind: 'bigram', rank: 112, config: layer(192, 6, 6, 2, 512) },
  { name: 'random-attention', kind: 'random', config: layer(96, 2, 6, 2, 192, true) },
]

export const BIGRAM_FAMILY = FIXTURE_MODELS.filter(m => m.kind === 'bigram')

export function fixtureDecoderConfig(spec: FixtureModelSpec): DecoderConfig {
  return {
    ...spec.config,
    vocabSize: FIXTURE_VOCAB_SIZE,
    ropeTheta: 10_000,
    rmsNormEps: 1e-5,
    maxPositionEmbeddings: 1024,
    bosTokenId: 1,
    eosTokenId: 2,
  }
}

export interface FixtureManifest {
  readonly version: number
  /** Directory holding one transformers.js model directory per fixture, named as in FIXTURE_MODELS. */
  readonly modelsDir: string
  readonly models: readonly { readonly name: string; readonly kind: FixtureModelSpec['kind']; readonly rank?: number; readonly path: string }[]
}

/** Where fixtures live: LMSCALE_FIXTURES_DIR, else fixtures/.cache under the working directory. */
export function defaultFixturesDir(): string {
  return resolve(process.env.LMSCALE_FIXTURES_DIR ?? join(process.cwd(), 'fixtures', '.cache'))
}

/** Returns the cached family, forging it first when it is missing or of another format version. */
export async function ensureFixtureModels(dir = defaultFixturesDir()): Promise<FixtureManifest> {
  const manifestPath = join(dir, 'manifest.json')
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as FixtureManifest
    if (manifest.version === FIXTURE_FORMAT_VERSION && manifest.models.every(m => existsSync(join(m.path, 'onnx', 'model.onnx')))) {
      return manifest
    }
  }
  return forgeFixtureModels(dir)
}

async function forgeFixtureModels(dir: string): Promise<FixtureManifest> {
  const modelsDir = join(dir, 'models')
  await rm(join(dir, 'manifest.json'), { force: true })
  await mkdir(modelsDir, { recursive: true })

  const corpus = loadBrownCorpus()
  const trainTexts = corpus.train.map(documentText)
  const bpe = trainByteLevelBpe(countPieces(trainTexts), FIXTURE_VOCAB_SIZE)
  const tokenizer: ForgedTokenizer = {
    json: byteLevelTokenizerJson(bpe),
    bosToken: SPECIAL_TOKENS.bos,
    eosToken: SPECIAL_TOKENS.eos,
    unkToken: SPECIAL_TOKENS.unk,
    addBosToken: true,
  }

  // Count bigrams with the very tokenizer the models ship (transformers.js reading the written tokenizer.json).
  const tokenizerDir = join(dir, 'tokenizer')
  await mkdir(tokenizerDir, { recursive: true })
  await writeFile(join(tokenizerDir, 'tokenizer.json'), JSON.stringify(tokenizer.json))
  await writeFile(join(tokenizerDir, 'tokenizer_config.json'), JSON.stringify({ add_bos_token: true, bos_token: '<s>', eos_token: '</s>' }))
  const encode = await loadLocalTokenizer(tokenizerDir)
  const logProbs = smoothedBigramLogProbs(countBigrams(trainTexts.map(encode), FIXTURE_VOCAB_SIZE), FIXTURE_VOCAB_SIZE)
  const svd = centredLogTableSvd(logProbs, FIXTURE_VOCAB_SIZE)

  const models = []
  for (const spec of FIXTURE_MODELS) {
    const config = fixtureDecoderConfig(spec)
    const weights =
      spec.kind === 'bigram'
        ? bigramDecoderWeights(config, lowRankFactors(svd, FIXTURE_VOCAB_SIZE, spec.rank!), WEIGHT_SEED)
        : randomDecoderWeights(config, WEIGHT_SEED)
    const path = await forgeDecoder(config, weights, tokenizer, join(modelsDir, spec.name))
    await writeSafetensors(join(path, 'model.safetensors'), weights)
    models.push({ name: spec.name, kind: spec.kind, ...(spec.rank ? { rank: spec.rank } : {}), path })
  }
  const manifest: FixtureManifest = { version: FIXTURE_FORMAT_VERSION, modelsDir, models }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

async function loadLocalTokenizer(dir: string): Promise<(text: string) => number[]> {
  // An absolute path is not a hub id, so transformers.js reads the directory itself.
  const tokenizer = await AutoTokenizer.from_pretrained(resolve(dir), { local_files_only: true })
  return text => tokenizer.encode(text)
}
