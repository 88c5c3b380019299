/**
 * `forgeDecoder` writes a model directory in the layout transformers.js loads from the hub:
 * config.json, generation_config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { headDimOf, validateDecoder, type DecoderConfig, type DecoderWeights } from './config.ts'
import { buildDecoderGraph } from './llama-graph.ts'

export interface ForgedTokenizer {
  /** The tokenizer.json object (Hugging Face tokenizers format). */
  readonly json: object
  readonly bosToken: string
  readonly eosToken: string
  readonly unkToken?: string
  /** Whether the tokenizer prepends BOS, as Llama's does. */
  readonly addBosToken: boolean
}

/** Validates, then writes the directory atomically (a finished directory or none). Returns its path. */
export async function forgeDecoder(
  config: DecoderConfig,
  weights: DecoderWeights,
  tokenizer: ForgedTokenizer,
  outDir: string,
): Promise<string> {
  validateDecoder(config, weights)
  const graph = buildDecoderGraph(config, weights)
  const staging = `${outDir}.partial-${process.pid}`
  await rm(staging, { recursive: true, force: true })
  await mkdir(join(staging, 'onnx'), { recursive: true })
  const json = (name: string, value: unknown) => writeFile(join(staging, name), `${JSON.stringify(value, null, 2)}\n`)
  await json('config.json', huggingFaceConfig(config))
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

/** config.json in Hugging Face's LlamaConfig naming. */
export function huggingFaceConfig(config: DecoderConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: headDimOf(config),
    hidden_act: 'silu',
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    max_position_embeddings: config.maxPositionEmbeddings,
    tie_word_embeddings: config.tieWordEmbeddings,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    torch_dtype: 'float32',
  }
}
