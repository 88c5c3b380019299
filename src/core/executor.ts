/**
 * The seam between the Vitest harness and the evaluation code: everything the harness needs from a model
 * and a task. src/eval provides the real implementation (see src/vitest/default-executor.ts); tests bring doubles.
 */
import type { TaskInfo } from './task-info.ts'

export type Device = 'cpu' | 'cuda'
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16'

/**
 * Whether contexts get the tokenizer's special tokens: 'none' reproduces lm-eval 0.4.0–0.4.9.1, 'tokenizer'
 * lm-eval ≥ 0.4.9.2 (a Llama tokenizer prepends BOS). See src/scoring/encode.ts.
 */
export type BosPolicy = 'none' | 'tokenizer'

/**
 * The lm-evaluation-harness version whose request encoding a model follows. '0.4.13' (the default): the tokenizer's
 * own BOS on contexts and on rolling documents, whose first window then scores P(BOS | BOS). '0.4.9' (0.4.0–0.4.9.1):
 * no special tokens anywhere. An explicit `bos` overrides the version's BOS rule, as lm-eval's add_bos_token does.
 */
export type LmEvalVersion = '0.4.13' | '0.4.9'

/**
 * Task name → the names of the metrics that task reports. It types a study's task list and its bands, so an
 * unknown task or a band on a metric the task does not have fails to compile.
 */
export type TaskCatalog = { readonly [task: string]: string }

/** A model as a study names it: a local directory in the transformers.js layout, or a hub id and revision. */
export interface ModelSpec<Name extends string = string> {
  /** Short name used in case names, file names and reports, e.g. `fixture-small`. */
  readonly name: Name
  /** A local directory or a hub id such as `onnx-community/MobileLLM-125M`. */
  readonly source: string
  /** Hub revision (commit or tag); pin it for reproducible studies. */
  readonly revision?: string
  /** Overrides the study's dtype for this model (where the repository ships variants). */
  readonly dtype?: Dtype
  /**
   * The model family it belongs to (e.g. `pythia`, `smollm2`): cross-family scaling fits one offset (and one
   * exponent) per declared family. Recorded with every result; never guessed from the name.
   */
  readonly family?: string
  /** Special tokens to restore in the tokenizer (e.g. MobileLLM's empty bos/eos/unk); recorded with every result. */
  readonly specialTokens?: SpecialTokenFix
  /** Overrides the study's device for this model. */
  readonly device?: Device
  /** Overrides the study's intra-op thread count for this model. */
  readonly threads?: number
  /** Which lm-eval version's request encoding to reproduce (default '0.4.13'). */
  readonly lmEval?: LmEvalVersion
  /** Whether contexts and rolling documents get the tokenizer's BOS (default: the lm-eval version's rule). */
  readonly bos?: BosPolicy
  /** lm-eval's max_length: requests are left-truncated to it (default: config.json's max_position_embeddings). */
  readonly maxLength?: number
  /** Rows per onnxruntime call. */
  readonly batchSize?: number
  /**
   * Another model of the study (by name) sharing this one's tokenizer, e.g. the fp32 export for a q8 one: the
   * study's fidelity tasks score this model against it. Only models that declare a reference run fidelity tasks.
   */
  readonly reference?: string
  /** Loaded only as other models' reference (e.g. an fp32 export kept for fidelity): no cases of its own. */
  readonly referenceOnly?: boolean
}

/** Token strings that replace the tokenizer's own bos/eos/unk; each must be in its vocabulary. */
export interface SpecialTokenFix {
  readonly bos?: string
  readonly eos?: string
  readonly unk?: string
}

export interface LoadOptions {
  readonly device: Device
  readonly dtype: Dtype
  /** Intra-op threads; undefined leaves onnxruntime's default. */
  readonly threads: number | undefined
  /** On `cuda`, run on CPU when CUDA cannot start (and record it) instead of failing. */
  readonly allowFallback?: boolean
}

export interface ParameterCounts {
  /** Every parameter, tied embeddings counted once. */
  readonly total: number
  readonly embedding: number
  readonly nonEmbedding: number
}

/** What the harness reads from a loaded model; the executor may return a richer object. */
export interface LoadedModel {
  /** The model's identity hash (its files and the settings that change its numbers): the resume and baseline key. */
  readonly hash: string
  /** What `hash` covers, recorded with every result; absent when the executor does not say. */
  readonly identity?: {
    /** Path relative to the model directory → sha256. */
    readonly files: Readonly<Record<string, string>>
    readonly settings: { readonly [setting: string]: JsonValue }
    /** The hub commit the files came from, or null for a local directory. */
    readonly commit: string | null
  }
  readonly parameters: ParameterCounts
  /** The onnxruntime execution provider actually in use, e.g. `cpu` or `cuda`: what ran, not what was requested. */
  readonly executionProvider: string
  /** Why the requested provider did not run, when the load options allowed a fallback. */
  readonly providerFallback?: string
  /** Intra-op threads the scoring session runs with, as the executor chose them: recorded as environment.threads. */
  readonly intraOpThreads?: number
}

export interface MetricValue {
  readonly value: number
  readonly stderr?: number
}

export interface Progress {
  readonly done: number
  readonly total: number
  readonly unit: 'documents' | 'tokens' | 'requests' | 'windows'
  /** Token positions run through the model so far, when the executor counts them: the line shows tokens/s. */
  readonly tokens?: number
}

export interface RunCaseOptions<Model extends LoadedModel = LoadedModel> {
  /** lm-eval's `limit`: evaluate only the first N documents. */
  readonly limit: number | undefined
  /** The study's options for this task (validated against the task's declared `options`); empty for the defaults. */
  readonly taskOptions?: Readonly<Record<string, number>>
  /** Called as work completes; the harness throttles what it prints. */
  readonly onProgress: (progress: Progress) => void
  /** Suspicious input that is still scored (e.g. whitespace-only documents): printed and recorded with the case. */
  readonly onWarning?: (message: string) => void
  /** A fidelity task's reference model (the model spec's `reference`), loaded beside the model; absent for other tasks. */
  readonly reference?: { readonly name: string; readonly model: Model }
}

/** JSON-serialisable value, for per-item records stored with each case. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue }

/**
 * Calls that repeat a fixed slice of the case's own work, timed by tinybench. Each resolves to the number
 * of tokens it processed, which must be the same on every call. Omit what the case cannot measure.
 */
export interface ThroughputWorkload {
  /** Log-likelihood scoring of a fixed batch of the task's requests. */
  readonly scoring?: () => Promise<number>
  /** One prompt's prefill (forward over the prompt, filling the KV cache). */
  readonly prefill?: () => Promise<number>
  /** Greedy decode at batch 1 reusing the KV cache; resolves to tokens generated. */
  readonly decodeCached?: () => Promise<number>
  /** The same decode recomputing the whole prefix per token (the prior study's method). */
  readonly decodeNoCache?: () => Promise<number>
  /** Prefill by prompt length (tokens → call): the shortest also stands as `prefill`. */
  readonly prefillByLength?: Readonly<Record<number, () => Promise<number>>>
  /** Batch-1 KV-cached decode steps by context length, from a prefill done once: the shortest also stands as `decodeCached`. */
  readonly decodeByContext?: Readonly<Record<number, () => Promise<number>>>
  /** KV-cached decode of `batch` rows at once after `context` tokens; resolves to tokens over all rows. */
  readonly batchedDecode?: { readonly batch: number; readonly context: number; readonly run: () => Promise<number> }
  /** Intra-op threads of the scoring/prefill session and of the decode session, as the executor chose them. */
  readonly threads?: { readonly scoring: number; readonly decode: number }
  /** The work per token, for the rates as shares of the hardware bounds. */
  readonly cost?: {
    /** FLOPs of one position's forward pass (the calibration's unit must be FLOP). */
    readonly flopsPerToken: number
    /** Bytes of weights one batch-1 decode step reads (the bandwidth's unit must be byte). */
    readonly bytesPerDecodedToken: number
  }
  /**
   * A short fixed computation on the model's device at a thread count, paired call by call with every phase that
   * runs at that count (the gate's load-tracking calibration); without it the phases pair with the executor's calibration.
   */
  readonly calibrationAt?: (threads: number) => CalibrationWorkload | Promise<CalibrationWorkload>
  /** Streams memory at the decode threads: the bound of batch-1 decode, timed beside the rates. */
  readonly bandwidth?: () => CalibrationWorkload | Promise<CalibrationWorkload>
}

/**
 * A fixed computation that does not depend on the model, timed beside the case's throughput in the same
 * process and on the same device: baselines compare throughput as a ratio to it, so a uniformly slower
 * machine is not a regression.
 */
export interface CalibrationWorkload {
  /** Names the computation; rates only compare against the same one, e.g. `onnxruntime MatMul 512×512 (cpu)`. */
  readonly name: string
  /** What a call counts, e.g. `FLOP`. */
  readonly unit: string
  /** One call; resolves to the units of work done, the same on every call. */
  readonly run: () => Promise<number>
}

/**
 * One multiple-choice document: gold, each choice's log-likelihood and continuation token count, and its value of
 * each per-document metric (e.g. acc: 0 | 1, gold_prob: 0.31).
 */
export interface ChoiceItem {
  readonly gold: number
  readonly ll: readonly number[]
  /** Tokens of each choice's continuation (absent in case files written before they were recorded). */
  readonly tokens?: readonly number[]
  /** The item's cluster (index of its shared passage or context, in order of first appearance) when the task declares a cluster key. */
  readonly cluster?: number
  readonly [metric: string]: number | readonly number[] | undefined
}

/** One rolling document: its log-likelihood, the original page's words and bytes, and the tokens scored. */
export interface RollingItem {
  readonly ll: number
  readonly words: number
  readonly bytes: number
  readonly tokens: number
}

/**
 * One window of a token-level plan over the task's text, in stream order: the position of its first scored token,
 * the tokens it scored and their NLL in nats. Windows score disjoint tokens, so they partition the text's total.
 */
export interface TokenPerplexityItem {
  readonly start: number
  readonly tokens: number
  readonly nll: number
}

/** A case's per-item records, typed by their shape, kept in the case file for the baseline gate. */
export type CaseItems =
  | { readonly kind: 'choice'; readonly items: readonly ChoiceItem[] }
  | { readonly kind: 'rolling'; readonly items: readonly RollingItem[] }
  | { readonly kind: 'token_perplexity'; readonly items: readonly TokenPerplexityItem[] }
  /** Another executor's records: digested for exact comparison only. */
  | { readonly kind: 'other'; readonly items: readonly JsonValue[] }

/** A dataset file a case read: where it is declared, the commit it came from and its bytes' sha256. */
export interface DataFileRecord {
  readonly repo: string
  /** The revision the task declares (a branch, tag or commit). */
  readonly revision: string
  readonly path: string
  /** The commit the file came from (a hub snapshot or a pinned revision), or null when unknown (a local data directory). */
  readonly commit: string | null
  readonly sha256: string
}

/** lm-eval's left truncation to the model's max length over a case's requests (all zero when nothing was cut). */
export interface Truncation {
  /** Requests whose context lost tokens. */
  readonly requests: number
  /** Context tokens dropped over all requests. */
  readonly tokensDropped: number
  /** The most tokens one request lost. */
  readonly largestDrop: number
}

export interface CaseRun {
  readonly metrics: Readonly<Record<string, MetricValue>>
  /** Documents evaluated. */
  readonly n: number
  readonly taskVersion: string
  readonly items?: CaseItems
  /** Left truncation of log-likelihood requests; absent when the executor does not count it. */
  readonly truncation?: Truncation
  /** The dataset files the case read (none for data a package ships, such as the Brown corpus). */
  readonly dataFiles?: readonly DataFileRecord[]
  readonly workload?: ThroughputWorkload
}

export interface CaseExecutor<Tasks extends TaskCatalog = TaskCatalog, Model extends LoadedModel = LoadedModel> {
  /**
   * Every task this executor runs, declared with its version, kind, chance level and metrics: types and checks a
   * study's tasks and bands, keys resumed results, and tells the gate and the reports how to read each metric.
   */
  readonly tasks: { readonly [Task in keyof Tasks]: TaskInfo<Tasks[Task]> }
  loadModel(spec: ModelSpec, options: LoadOptions): Promise<Model>
  runCase(model: Model, task: keyof Tasks & string, options: RunCaseOptions<Model>): Promise<CaseRun>
  release(model: Model): void | Promise<void>
  /** The calibration for throughput on this model's device; without it lmscale times a fixed JavaScript MatMul. */
  calibration?(model: Model): CalibrationWorkload | Promise<CalibrationWorkload>
  /**
   * The dataset files a task would read now, with their sha256, without scoring: resuming checks them against the
   * stored case's, so a changed dataset file is recomputed. Without it a stored case is reused whatever its data.
   */
  dataFiles?(task: keyof Tasks & string): Promise<readonly DataFileRecord[]>
}
