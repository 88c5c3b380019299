/**
 * `forgeDecoder` writes a model directory of any architecture in the layout transformers.js loads from the hub:
 * config.json, generation_config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Architecture, BaseConfig, DecoderWeights } from './architecture.ts'
import type { DecoderConfig } from './config.ts'
import { llama } from './llama.ts'

export interface ForgedTokenizer {
  /** The tokenizer.json object (Hugging Face tokenizers format). */
  readonly json: object
  readonly bosToken: string
  readonly eosToken: string
  readonly unkToken?: string
  /** Whether the tokenizer prepends BOS, as Llama's does. */
  readonly addBosToken: boolean
}

/** Validates, then writes the directory atomically (a finished directory or none). Returns its path. LLaMA by default. */
export function forgeDecoder(config: DecoderConfig, weights: DecoderWeights, tokenizer: ForgedTokenizer, outDir: string): Promise<string>
export function forgeDecoder<Config extends BaseConfig>(
  config: Config,
  weights: DecoderWeights,
  tokenizer: ForgedTokenizer,
  outDir: string,
  architecture: Architecture<Config>,
): Promise<string>
export async function forgeDecoder(
  config: BaseConfig,
  weights: DecoderWeights,
  tokenizer: ForgedTokenizer,
  outDir: string,
  architecture: Architecture<BaseConfig> = llama,
): Promise<string> {
  architecture.validate(config, weights)
  const graph = architecture.buildGraph(config, weights)
  const staging = `${outDir}.partial-${process.pid}`
  await rm(staging, { recursive: true, force: true })
  await mkdir(join(staging, 'onnx'), { recursive: true })
  const json = (name: string, value: unknown) => writeFile(join(staging, name), `${JSON.stringify(value, null, 2)}\n`)
  await json('config.json', architecture.huggingFaceConfig(config))
  await json('generation_config.json', { bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId })
  await json('tokenizer.json', tokenizer.json)
  await json('tokenizer_config.json', {
    tokenizer_class: 'PreTrainedTokenizerFast',
    add_bos_token: tokenizer.addBosToken,
    add_eos_token: false,
    bos_token: tokenizer.bosToken,
    eos_token: tokenizer.eosToken,
    unk_token: tokenizer.unkToken ?? null,
    model_max_length: config.maxPositionEmbeddings,
    clean_up_tokenization_spaces: false,
  })
  await writeFile(join(staging, 'onnx', 'model.onnx'), graph)
  await mkdir(dirname(outDir), { recursive: true })
  await rm(outDir, { recursive: true, force: true })
  await rename(staging, outDir)
  return outDir
}
