/**
 * The forged fixture families: the default study's five LLaMA bigram decoders of growing rank and size built
 * from the Brown corpus's training files with a 512-token BPE (exact log-likelihoods known in closed form), one
 * LLaMA decoder with random weights and active attention, and a second family of four GPT-NeoX bigram decoders
 * with a 384-token BPE of the same files and no BOS (as Pythia's tokenizer), plus one with random weights. Generated deterministically on
 * first use and cached.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AutoTokenizer } from '@huggingface/transformers'
import type { SVD } from 'ml-matrix'
import type { DecoderWeights } from './architecture.ts'
import { bigramDecoderWeights, centredLogTableSvd, countBigrams, type LowRankFactors, lowRankFactors, smoothedBigramLogProbs } from './bigram-model.ts'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { byteLevelTokenizerJson, countPieces, SPECIAL_TOKENS, trainByteLevelBpe } from './byte-level-bpe.ts'
import type { DecoderConfig } from './config.ts'
import { EXPORT_FILES, type ExportDtype, writeExportFormats, writeExternalDataCopy } from './export-formats.ts'
import { forgeDecoder, type ForgedTokenizer } from './forge-decoder.ts'
import { gptNeox } from './gpt-neox.ts'
import { gptNeoxBigramWeights } from './gpt-neox-bigram.ts'
import type { GptNeoxConfig } from './gpt-neox-config.ts'
import { randomDecoderWeights, randomGptNeoxWeights } from './random-weights.ts'
import { writeSafetensors } from './safetensors.ts'

/** Bump when anything below changes what is generated: cached fixtures of another version are rebuilt. */
export const FIXTURE_FORMAT_VERSION = 3
export const FIXTURE_VOCAB_SIZE = 512
export const GPT_NEOX_FIXTURE_VOCAB_SIZE = 384
const WEIGHT_SEED = 20_261_122

/** The declared model families of the fixtures: each is one architecture and one tokenizer. */
export const FIXTURE_FAMILIES = {
  'brown-bigram': { architecture: 'llama', vocabSize: FIXTURE_VOCAB_SIZE },
  'brown-neox': { architecture: 'gpt-neox', vocabSize: GPT_NEOX_FIXTURE_VOCAB_SIZE },
} as const
export type FixtureFamily = keyof typeof FIXTURE_FAMILIES

export interface FixtureModelSpec {
  readonly name: string
  readonly family: FixtureFamily
  readonly kind: 'bigram' | 'random'
  /** Rank of the bigram factorisation (bigram models only). */
  readonly rank?: number
  readonly config: Omit<DecoderConfig, 'vocabSize' | 'bosTokenId' | 'eosTokenId' | 'ropeTheta' | 'rmsNormEps' | 'maxPositionEmbeddings'>
}

const layer = (hiddenSize: number, numLayers: number, numHeads: number, numKvHeads: number, intermediateSize: number, tie = false) =>
  ({ hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize, tieWordEmbeddings: tie }) as const

export const FIXTURE_MODELS: readonly FixtureModelSpec[] = [
  { name: 'brown-bigram-xs', family: 'brown-bigram', kind: 'bigram', rank: 4, config: layer(32, 1, 4, 2, 64) },
  { name: 'brown-bigram-s', family: 'brown-bigram', kind: 'bigram', rank: 12, config: layer(64, 2, 4, 2, 128) },
  { name: 'brown-bigram-m', family: 'brown-bigram', kind: 'bigram', rank: 28, config: layer(96, 3, 6, 2, 256) },
  { name: 'brown-bigram-l', family: 'brown-bigram', kind: 'bigram', rank: 56, config: layer(128, 4, 8, 2, 384) },
  { name: 'brown-bigram-xl', family: 'brown-bigram', kind: 'bigram', rank: 112, config: layer(192, 6, 6, 2, 512) },
  { name: 'random-attention', family: 'brown-bigram', kind: 'random', config: layer(96, 2, 6, 2, 192, true) },
]

export const BIGRAM_FAMILY = FIXTURE_MODELS.filter(m => m.kind === 'bigram')

/**
 * The fixtures also forged in the hub's export formats (fp16, q8, q4, q4f16 beside model.onnx, and fp32 with
 * external data as `<name>-external-data`): a bigram model of each architecture (untied heads, perplexities that
 * mean something) and the tied LLaMA model with active attention. Small models keep forging short.
 */
export const EXPORTED_FIXTURES = ['brown-bigram-s', 'random-attention', 'brown-neox-s'] as const
export const EXPORTED_DTYPES = Object.keys(EXPORT_FILES) as ExportDtype[]

export interface GptNeoxFixtureSpec {
  readonly name: string
  readonly family: FixtureFamily
  readonly kind: 'bigram' | 'random'
  readonly rank?: number
  readonly config: Pick<GptNeoxConfig, 'hiddenSize' | 'numLayers' | 'numHeads' | 'intermediateSize'>
}

/** Pythia's shape: parallel residual, a quarter of each head rotated, a 4× GELU MLP, untied embed_out. */
export const GPT_NEOX_FIXTURE_MODELS: readonly GptNeoxFixtureSpec[] = [
  { name: 'brown-neox-xs', family: 'brown-neox', kind: 'bigram', rank: 6, config: { hiddenSize: 32, numLayers: 1, numHeads: 4, intermediateSize: 128 } },
  { name: 'brown-neox-s', family: 'brown-neox', kind: 'bigram', rank: 16, config: { hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 256 } },
  { name: 'brown-neox-m', family: 'brown-neox', kind: 'bigram', rank: 40, config: { hiddenSize: 96, numLayers: 3, numHeads: 6, intermediateSize: 384 } },
  { name: 'brown-neox-l', family: 'brown-neox', kind: 'bigram', rank: 90, config: { hiddenSize: 192, numLayers: 4, numHeads: 8, intermediateSize: 768 } },
  { name: 'random-attention-neox', family: 'brown-neox', kind: 'random', config: { hiddenSize: 96, numLayers: 2, numHeads: 6, intermediateSize: 384 } },
]

export const GPT_NEOX_BIGRAM_FAMILY = GPT_NEOX_FIXTURE_MODELS.filter(m => m.kind === 'bigram')

/** Every fixture in forging order: a cached manifest listing other models is stale and rebuilt. */
const ALL_FIXTURE_NAMES = [...FIXTURE_MODELS, ...GPT_NEOX_FIXTURE_MODELS].map(m => m.name).join()

export function gptNeoxFixtureConfig(spec: GptNeoxFixtureSpec): GptNeoxConfig {
  return {
    ...spec.config,
    vocabSize: GPT_NEOX_FIXTURE_VOCAB_SIZE,
    rotaryPct: 0.25,
    rotaryEmbBase: 10_000,
    layerNormEps: 1e-5,
    useParallelResidual: true,
    maxPositionEmbeddings: 1024,
    bosTokenId: 1,
    eosTokenId: 2,
  }
}

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
  readonly models: readonly {
    readonly name: string
    readonly family: FixtureFamily
    readonly kind: FixtureModelSpec['kind']
    readonly rank?: number
    readonly path: string
    /** Exported fixtures: the fp32 graph with its weights in onnx/model.onnx_data (other dtypes sit beside model.onnx). */
    readonly externalDataPath?: string
  }[]
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
    const names = manifest.models.map(m => m.name).join()
    if (
      manifest.version === FIXTURE_FORMAT_VERSION &&
      names === ALL_FIXTURE_NAMES &&
      manifest.models.every(m => existsSync(join(m.path, 'onnx', 'model.onnx')))
    ) {
      return manifest
    }
  }
  return forgeFixtureModels(dir)
}

async function forgeFixtureModels(dir: string): Promise<FixtureManifest> {
  const modelsDir = join(dir, 'models')
  await rm(join(dir, 'manifest.json'), { force: true })
  await mkdir(modelsDir, { recursive: true })
  const trainTexts = loadBrownCorpus().train.map(documentText)
  const pieces = countPieces(trainTexts)
  const models: FixtureManifest['models'][number][] = []

  const llamaBigram = await bigramSvd(dir, 'tokenizer', trainTexts, pieces, FIXTURE_VOCAB_SIZE, true)
  await forgeFamilyModels(FIXTURE_MODELS, llamaBigram, FIXTURE_VOCAB_SIZE, {
    config: fixtureDecoderConfig,
    bigramWeights: bigramDecoderWeights,
    randomWeights: randomDecoderWeights,
    forge: (config, weights, name) => forgeDecoder(config, weights, llamaBigram.tokenizer, join(modelsDir, name)),
    done: entry => models.push(entry),
  })
  const neoxBigram = await bigramSvd(dir, 'tokenizer-neox', trainTexts, pieces, GPT_NEOX_FIXTURE_VOCAB_SIZE, false)
  await forgeFamilyModels(GPT_NEOX_FIXTURE_MODELS, neoxBigram, GPT_NEOX_FIXTURE_VOCAB_SIZE, {
    config: gptNeoxFixtureConfig,
    bigramWeights: gptNeoxBigramWeights,
    randomWeights: randomGptNeoxWeights,
    forge: (config, weights, name) => forgeDecoder(config, weights, neoxBigram.tokenizer, join(modelsDir, name), gptNeox),
    done: entry => models.push(entry),
  })

  const manifest: FixtureManifest = { version: FIXTURE_FORMAT_VERSION, modelsDir, models }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

type ManifestEntry = FixtureManifest['models'][number]
type FamilySpec = Pick<FixtureModelSpec, 'name' | 'family' | 'kind' | 'rank'>

/** How one architecture's fixtures are built: its config per spec, its closed-form and random weights, its forge. */
interface FamilyBuild<Spec extends FamilySpec, Config> {
  readonly config: (spec: Spec) => Config
  readonly bigramWeights: (config: Config, factors: LowRankFactors, seed: number) => DecoderWeights
  readonly randomWeights: (config: Config, seed: number) => DecoderWeights
  /** Forges the model into the models folder under `name`; returns its directory. */
  readonly forge: (config: Config, weights: DecoderWeights, name: string) => Promise<string>
  readonly done: (entry: ManifestEntry) => void
}

/** Forges a family's models in order: bigram models from the family's SVD at their rank, random ones from the seed. */
async function forgeFamilyModels<Spec extends FamilySpec, Config>(
  specs: readonly Spec[],
  bigram: { readonly svd: SVD },
  vocabSize: number,
  build: FamilyBuild<Spec, Config>,
): Promise<void> {
  for (const spec of specs) {
    const config = build.config(spec)
    const weights =
      spec.kind === 'bigram'
        ? build.bigramWeights(config, lowRankFactors(bigram.svd, vocabSize, spec.rank!), WEIGHT_SEED)
        : build.randomWeights(config, WEIGHT_SEED)
    const path = await build.forge(config, weights, spec.name)
    await writeSafetensors(join(path, 'model.safetensors'), weights)
    build.done(await manifestEntry(spec, path))
  }
}

/** A forged model's manifest entry, after writing its export formats when it is one of EXPORTED_FIXTURES. */
async function manifestEntry(spec: FamilySpec, path: string): Promise<ManifestEntry> {
  const entry = { name: spec.name, family: spec.family, kind: spec.kind, ...(spec.rank ? { rank: spec.rank } : {}), path }
  if (!(EXPORTED_FIXTURES as readonly string[]).includes(spec.name)) return entry
  await writeExportFormats(path)
  return { ...entry, externalDataPath: await writeExternalDataCopy(path, `${path}-external-data`) }
}

/** A family's tokenizer and the SVD of its smoothed bigram table, counted with the very tokenizer the models ship. */
async function bigramSvd(dir: string, name: string, trainTexts: readonly string[], pieces: Map<string, number>, vocabSize: number, prependBos: boolean) {
  const bpe = trainByteLevelBpe(pieces, vocabSize)
  const tokenizer: ForgedTokenizer = {
    json: byteLevelTokenizerJson(bpe, { prependBos }),
    bosToken: SPECIAL_TOKENS.bos,
    eosToken: SPECIAL_TOKENS.eos,
    unkToken: SPECIAL_TOKENS.unk,
    addBosToken: prependBos,
  }
  // transformers.js reads the written tokenizer.json, so bigrams are counted exactly as the models will see text.
  const tokenizerDir = join(dir, name)
  await mkdir(tokenizerDir, { recursive: true })
  await writeFile(join(tokenizerDir, 'tokenizer.json'), JSON.stringify(tokenizer.json))
  await writeFile(join(tokenizerDir, 'tokenizer_config.json'), JSON.stringify({ add_bos_token: prependBos, bos_token: '<s>', eos_token: '</s>' }))
  const encode = await loadLocalTokenizer(tokenizerDir)
  const logProbs = smoothedBigramLogProbs(countBigrams(trainTexts.map(encode), vocabSize), vocabSize)
  return { tokenizer, svd: centredLogTableSvd(logProbs, vocabSize) }
}

async function loadLocalTokenizer(dir: string): Promise<(text: string) => number[]> {
  // An absolute path is not a hub id, so transformers.js reads the directory itself.
  const tokenizer = await AutoTokenizer.from_pretrained(resolve(dir), { local_files_only: true })
  return text => tokenizer.encode(text)
}
