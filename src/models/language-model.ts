/**
 * A causal language model in the transformers.js layout: its tokenizer, its ONNX session, its parameter
 * counts, and the Scorer contract on top (lm-eval's log-likelihood requests and token-level NLL).
 */
import type { WindowMethod } from '../scoring/scorer.ts'
import type { BosPolicy, Device, Dtype, LmEvalVersion, ParameterCounts } from '../core/executor.ts'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers'
import type { DataOptions } from '../hub/hub-options.ts'
import { scoreLoglikelihoods, type RowScores, type ScoringBatch } from '../scoring/batching.ts'
import { bosPolicyOf, DEFAULT_LM_EVAL, encodeDocument, encodePairs, type TokenEncoder } from '../scoring/encode.ts'
import { planNll, rollingLoglikelihoods } from '../scoring/perplexity.ts'
import type { LoglikelihoodRequest, LoglikelihoodResult, OnProgress, RollingResult, Scorer, TokenNll } from '../scoring/scorer.ts'
import { methodWindowLength, methodWindows } from '../scoring/windows.ts'
import { forwardInChunks } from './chunked-forward.ts'
import { DecoderSession, type DecoderOutputs, type DecoderUsage } from './decoder-session.ts'
import { decodeSteps, greedyDecode, prefillRows, type GreedyOptions, type PrefilledRows } from './greedy-decode.ts'
import { resolveHubModel } from '../hub/hub-model-files.ts'
import { describeSource, localModelFiles, ModelFilesError, type ModelSource } from '../hub/model-layout.ts'
import { modelIdentity, type ModelIdentity } from './model-identity.ts'
import { oneRowPerCallReason } from './batch-invariance.ts'
import { countParameters, readOnnxModel } from './parameter-count.ts'
import { scoreOutputs } from './score-logits.ts'
import { ensureScoringGraph, ScoringGraphError } from './scoring-graph.ts'
import { scoreLoglikelihoodsSharingContexts } from './shared-context.ts'

export interface LanguageModelOptions {
  /** A name for reports and errors; defaults to the directory. */
  readonly id?: string
  readonly device?: Device
  /** On `device: 'cuda'` without a working CUDA provider, run on CPU (recorded as `providerFallback`) instead of failing. */
  readonly allowFallback?: boolean
  readonly dtype?: Dtype
  readonly threads?: number
  /**
   * Intra-op threads for greedy decoding (default: `threads`). When it differs, decoding runs in a second
   * session on the same graph, created on first use: batch-1 decode steps are too small to gain from threads.
   */
  readonly decodeThreads?: number
  /**
   * Rows per onnxruntime call (default 8). Results do not depend on it: q8, fp16 and q4f16 graphs run one row per
   * call whatever this says (see `rowsPerCall`).
   */
  readonly batchSize?: number
  /** lm-eval's max_length; defaults to config.json's max_position_embeddings (lm-eval's rule), else 2048. */
  readonly maxLength?: number
  /** The lm-eval version whose request encoding to reproduce (default '0.4.13'); it sets the default BOS policy. */
  readonly lmEval?: LmEvalVersion
  /** lm-eval's add_bos_token: overrides the version's BOS rule for contexts and rolling documents. */
  readonly bos?: BosPolicy
  /** Overrides for tokenizers whose special tokens are missing or wrong (MobileLLM ships them empty). */
  readonly specialTokens?: { readonly bos?: string; readonly eos?: string; readonly unk?: string }
  /**
   * 'graph' (default): score inside onnxruntime with a rewritten graph (log-softmax + gather + argmax), so full
   * logits never reach JavaScript. 'logits': the unmodified graph, logits copied out and scored in JavaScript
   * (for comparison, or for graphs the rewrite cannot handle).
   */
  readonly scoring?: ScoringMode
  /** Run a context shared by several requests once and continue every choice from its KV cache (default true). */
  readonly shareContexts?: boolean
  /**
   * In-graph scoring: rows wider than this run in chunks of this many positions through the KV cache (chunked
   * prefill: causal attention stops computing masked scores). Default 512; 0 runs every row in one call.
   */
  readonly chunkLength?: number
}

export type ScoringMode = 'graph' | 'logits'

/** On 2048-token windows of the 125M-shaped model (benchmarks/perf.bench.ts), 256 and 512 ran alike, 1024 ~5% slower, none ~30% slower. */
const DEFAULT_CHUNK_LENGTH = 512

export interface SpecialTokenIds {
  readonly bos?: number
  readonly eos?: number
  /** lm-eval's prefix_token_id: BOS if the tokenizer has one, else EOS. */
  readonly prefix: number
  readonly pad: number
}

export class LanguageModel implements Scorer {
  private constructor(
    readonly id: string,
    readonly dir: string,
    readonly onnxPath: string,
    readonly config: Readonly<Record<string, unknown>>,
    readonly tokenizer: TokenEncoder & { readonly raw: PreTrainedTokenizer },
    readonly specialTokens: SpecialTokenIds,
    readonly parameters: ParameterCounts,
    readonly maxLength: number,
    readonly options: Required<
      Pick<LanguageModelOptions, 'device' | 'dtype' | 'batchSize' | 'lmEval' | 'bos' | 'scoring' | 'shareContexts' | 'chunkLength'>
    > & {
      readonly threads?: number
      readonly decodeThreads?: number
      /**
       * Rows per onnxruntime call: batchSize, or 1 for a graph whose rows would change with their neighbours in a
       * shared call (per-tensor activation quantization, float16 arithmetic: see batch-invariance.ts).
       */
      readonly rowsPerCall: number
    },
    private readonly session: DecoderSession,
    private readonly graphPath: string,
    /** The files' sha256 and the settings that change what the model computes: results are keyed by its hash. */
    readonly identity: ModelIdentity,
  ) {}

  /** Loads a model directory in the transformers.js layout (config.json, tokenizer files, onnx/). */
  static async fromDirectory(dir: string, options: LanguageModelOptions = {}): Promise<LanguageModel> {
    const dtype = options.dtype ?? 'fp32'
    const files = localModelFiles(dir, dtype)
    const config = await readConfig(join(files.dir, 'config.json'))
    const raw = await AutoTokenizer.from_pretrained(files.dir, { local_files_only: true }).catch((error: unknown) => {
      throw new ModelFilesError(`${files.dir}: transformers.js cannot read the tokenizer (tokenizer.json, tokenizer_config.json): ${message(error)}`, {
        cause: error,
      })
    })
    applySpecialTokenFix(raw, options.specialTokens)
    const tokenizer = {
      raw,
      encode: (text: string, { addSpecialTokens }: { addSpecialTokens: boolean }) => raw.encode(text, { add_special_tokens: addSpecialTokens }),
    }
    const specialTokens = specialTokenIds(raw, config, files.dir)
    const graph = await readOnnxModel(files.onnx)
    const parameters = countParameters(graph, { hiddenSize: Number(config.hidden_size ?? 0), tieWordEmbeddings: config.tie_word_embeddings === true })
    const maxLength = options.maxLength ?? Number(config.max_position_embeddings ?? config.n_positions ?? config.n_ctx ?? 2048)
    const device = options.device ?? 'cpu'
    const scoring = options.scoring ?? 'graph'
    const graphPath = scoring === 'graph' ? await scoringGraphPath(files.onnx) : files.onnx
    const settings = {
      id: options.id ?? files.dir,
      device,
      dtype,
      batchSize: options.batchSize ?? 8,
      lmEval: options.lmEval ?? DEFAULT_LM_EVAL,
      bos: options.bos ?? bosPolicyOf(options.lmEval ?? DEFAULT_LM_EVAL),
      scoring,
      shareContexts: options.shareContexts ?? true,
      chunkLength: options.chunkLength ?? DEFAULT_CHUNK_LENGTH,
    }
    const identity = await modelIdentity(files.dir, files.onnx, {
      dtype,
      maxLength,
      lmEval: settings.lmEval,
      bos: settings.bos,
      specialTokens: options.specialTokens ? { ...options.specialTokens } : null,
      scoring,
      shareContexts: settings.shareContexts,
      chunkLength: settings.chunkLength,
      batchSize: settings.batchSize,
    })
    const session = await DecoderSession.create(graphPath, {
      device,
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.allowFallback ? { allowFallback: true } : {}),
    })
    const { id, ...modelOptions } = settings
    const rowsPerCall = oneRowPerCallReason(graph) ? 1 : settings.batchSize
    return new LanguageModel(
      id,
      files.dir,
      files.onnx,
      config,
      tokenizer,
      specialTokens,
      parameters,
      maxLength,
      {
        ...modelOptions,
        rowsPerCall,
        ...(options.threads ? { threads: options.threads } : {}),
        ...(options.decodeThreads ? { decodeThreads: options.decodeThreads } : {}),
      },
      session,
      graphPath,
      identity,
    )
  }

  /** The ScoreBatch callback of the batching layer: one onnxruntime call per padded batch. */
  readonly scoreBatch = async (batch: ScoringBatch): Promise<RowScores[]> => {
    const mask = batch.inputIds.map(row => row.map(() => 1))
    // Position p predicts token p + 1; padding positions get any valid id (their scores are never read).
    const targetIds = batch.rows.map((row, r) => {
      const targets = row.tokens.slice(1, batch.lengths[r]! + 1)
      while (targets.length < batch.width) targets.push(this.specialTokens.pad)
      return targets
    })
    const chunk = this.options.chunkLength
    const outputs =
      chunk > 0 && batch.width > chunk && this.session.kind === 'scoring' && this.session.hasCache
        ? await forwardInChunks(this.session, batch.inputIds, targetIds, chunk)
        : await this.session.forward({ inputIds: batch.inputIds, attentionMask: mask, targetIds })
    return batch.rows.map((row, r) =>
      scoreOutputs(outputs, batch.width, r, batch.lengths[r]! - row.scored, row.tokens.slice(row.tokens.length - row.scored), this.id),
    )
  }

  /** How lm-eval's tok_encode treats this model's strings: the BOS policy and the BOS text it checks for. */
  encoding() {
    return {
      bos: this.options.bos,
      prefixTokenId: this.specialTokens.prefix,
      ...(this.tokenizer.raw.bos_token ? { bosText: this.tokenizer.raw.bos_token } : {}),
    }
  }

  async loglikelihood(requests: readonly LoglikelihoodRequest[], onProgress?: OnProgress): Promise<LoglikelihoodResult[]> {
    const pairs = encodePairs(requests, this.tokenizer, this.encoding())
    if (this.options.shareContexts && this.session.hasCache) {
      return scoreLoglikelihoodsSharingContexts(pairs, this.session, this.scoreBatch, { ...this.batchOptions(), modelId: this.id }, onProgress)
    }
    return scoreLoglikelihoods(pairs, this.scoreBatch, this.batchOptions(), onProgress)
  }

  async loglikelihoodRolling(documents: readonly string[], onProgress?: OnProgress): Promise<RollingResult[]> {
    const streams = documents.map((text, index) => encodeDocument(text, this.tokenizer, index, this.encoding()))
    return rollingLoglikelihoods(streams, this.scoreBatch, { ...this.batchOptions(), prefixTokenId: this.specialTokens.prefix }, onProgress)
  }

  /** Token-level NLL of one text under a sliding-window or fixed-chunk method; BOS first if the tokenizer adds it. */
  async tokenNll(text: string, method: WindowMethod, onProgress?: OnProgress): Promise<TokenNll> {
    const length = methodWindowLength(method)
    if (length > this.maxLength) {
      throw new Error(`model ${this.id} has a maximum length of ${this.maxLength}; the ${method.type} method needs windows of ${length} tokens`)
    }
    const tokens = this.tokenizer.encode(text, { addSpecialTokens: true })
    const total = await planNll(tokens, methodWindows(tokens.length, method), this.scoreBatch, this.batchOptions(), onProgress)
    return { ...total, bytes: Buffer.byteLength(text, 'utf8') }
  }

  /**
   * The logits of `tokens` (one row) in chunks of `chunkLength` positions through the KV cache, one chunk at a time,
   * so no more than chunkLength × vocabulary logits are held at once. A model scoring in-graph opens the plain graph
   * for it on first use (on the same provider and threads), released with the model.
   */
  async *logitsInChunks(
    tokens: readonly number[],
    chunkLength: number,
  ): AsyncGenerator<{ readonly start: number; readonly logits: Float32Array; readonly vocabSize: number }> {
    const session = await this.logitsSession()
    if (tokens.length > chunkLength && !session.hasCache) throw new Error(`model ${this.id}: the graph has no KV cache; chunked logits need one`)
    let past: DecoderOutputs['past'] | undefined
    for (let start = 0; start < tokens.length; start += chunkLength) {
      const end = Math.min(start + chunkLength, tokens.length)
      const outputs = await session.forward({
        inputIds: [tokens.slice(start, end)],
        attentionMask: [new Array<number>(end).fill(1)],
        ...(past ? { past } : {}),
        wantPast: end < tokens.length,
      })
      past = outputs.past
      yield { start, logits: outputs.logits!, vocabSize: outputs.vocabSize! }
    }
  }

  /** Greedy continuation of `prompt` by `count` tokens at batch 1, with the KV cache unless `cache: false`. */
  async greedyDecode(prompt: readonly number[], count: number, options: GreedyOptions = {}): Promise<number[]> {
    return greedyDecode(await this.decoder(), prompt, count, options)
  }

  /** Prefills prompts of equal length for cached decoding (in the decode session). */
  async prefillRows(prompts: readonly (readonly number[])[]): Promise<PrefilledRows> {
    return prefillRows(await this.decoder(), prompts)
  }

  /** `count` cached greedy steps from a prefill, which stays reusable; one token per row per step. */
  async decodeSteps(prefilled: PrefilledRows, count: number): Promise<number[][]> {
    return decodeSteps(await this.decoder(), prefilled, count)
  }

  private decodeSession: Promise<DecoderSession> | undefined
  private plainSession: Promise<DecoderSession> | undefined

  /** The session whose outputs are full logits: the model's own, or the unmodified graph beside a scoring one. */
  private logitsSession(): Promise<DecoderSession> {
    if (this.session.kind === 'logits') return Promise.resolve(this.session)
    const { threads } = this.options
    this.plainSession ??= DecoderSession.create(this.onnxPath, { device: this.session.device, ...(threads ? { threads } : {}) })
    return this.plainSession
  }

  /** The session greedy decoding runs in: the scoring session unless decodeThreads asks for another thread count. */
  private decoder(): Promise<DecoderSession> {
    const { threads, decodeThreads } = this.options
    if (decodeThreads === undefined || decodeThreads === threads) return Promise.resolve(this.session)
    // On the provider that actually runs the model (after any allowed fallback).
    this.decodeSession ??= DecoderSession.create(this.graphPath, { device: this.session.device, threads: decodeThreads })
    return this.decodeSession
  }

  /** The execution provider that runs the model, which differs from `options.device` only after an allowed fallback. */
  get executionProvider(): Device {
    return this.session.device
  }

  /** Why CUDA did not run although it was requested (only with `allowFallback`). */
  get providerFallback(): string | undefined {
    return this.session.fallback
  }

  /** onnxruntime calls made and positions fed (batch × width, padding included) since the model was loaded. */
  usage(): DecoderUsage {
    return { ...this.session.usage }
  }

  async release(): Promise<void> {
    await this.session.release()
    await (await this.decodeSession?.catch(() => undefined))?.release()
    await (await this.plainSession?.catch(() => undefined))?.release()
  }

  private batchOptions() {
    return { batchSize: this.options.rowsPerCall, padTokenId: this.specialTokens.pad, maxLength: this.maxLength }
  }

  /**
   * Loads a local directory, or a hub repository at a revision: downloaded once into the Hugging Face cache
   * (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE, HF_HUB_OFFLINE apply; `hubOptions` overrides them), then read from there.
   */
  static async load(source: ModelSource, options: LanguageModelOptions & { readonly hubOptions?: DataOptions } = {}): Promise<LanguageModel> {
    const { hubOptions, ...modelOptions } = options
    const dir = 'path' in source ? source.path : await resolveHubModel(source, options.dtype ?? 'fp32', hubOptions)
    return LanguageModel.fromDirectory(dir, { id: describeSource(source), ...modelOptions })
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function readConfig(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8')
  let config: unknown
  try {
    config = JSON.parse(text)
  } catch (error) {
    throw new ModelFilesError(`${path} is not valid JSON (${message(error)}); re-download or re-export the model`, { cause: error })
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new ModelFilesError(`${path} is not a JSON object`)
  return config as Record<string, unknown>
}

async function scoringGraphPath(onnxPath: string): Promise<string> {
  try {
    return (await ensureScoringGraph(onnxPath)).path
  } catch (error) {
    if (!(error instanceof ScoringGraphError)) throw error
    throw new ScoringGraphError(`${error.message}. In-graph scoring is unavailable for this model: load it with { scoring: 'logits' }`, { cause: error })
  }
}

function applySpecialTokenFix(tokenizer: PreTrainedTokenizer, fix: LanguageModelOptions['specialTokens']): void {
  if (!fix) return
  const mutable = tokenizer as unknown as Record<string, unknown>
  for (const [key, token] of Object.entries(fix)) {
    if (token === undefined) continue
    const id = tokenizer.get_vocab().get(token)
    if (id === undefined) throw new Error(`special token fix: ${key} = ${JSON.stringify(token)} is not in the tokenizer's vocabulary`)
    mutable[`${key}_token`] = token
    mutable[`${key}_token_id`] = id
  }
}

function specialTokenIds(tokenizer: PreTrainedTokenizer, config: Record<string, unknown>, dir: string): SpecialTokenIds {
  const fromTokenizer = (key: 'bos' | 'eos') => {
    const id = (tokenizer as unknown as Record<string, unknown>)[`${key}_token_id`]
    return typeof id === 'number' ? id : undefined
  }
  const fromConfig = (key: string) => (typeof config[key] === 'number' ? (config[key] as number) : undefined)
  const bos = fromTokenizer('bos') ?? fromConfig('bos_token_id')
  const eos = fromTokenizer('eos') ?? fromConfig('eos_token_id')
  const prefix = bos ?? eos
  if (prefix === undefined) throw new Error(`${dir}: the tokenizer and config.json name neither a BOS nor an EOS token; lm-eval needs one as the prefix token`)
  const pad = fromConfig('pad_token_id') ?? eos ?? prefix
  return { ...(bos === undefined ? {} : { bos }), ...(eos === undefined ? {} : { eos }), prefix, pad }
}
