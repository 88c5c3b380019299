/**
 * Graph surgery that lets a decoder score tokens without shipping its logits to JavaScript: an input
 * `target_ids` [batch, sequence] and two small outputs, the log-softmax of the fp32 logits gathered at the
 * target ids (finished in float64) and the argmax id of every position (lm-eval's is_greedy, and greedy decoding). `logits` stops being a graph
 * output, so the [batch, sequence, vocab] tensor never leaves onnxruntime. Works on any graph in the
 * transformers.js layout, forged or downloaded, and on models whose weights live in external-data files: only
 * the graph proto is rewritten, and such a graph is written beside the original so relative locations resolve
 * (self-contained graphs are cached outside the model directory).
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { DataType, onnx, type OnnxNamespace } from '../onnx/proto.ts'

export const TARGET_IDS_INPUT = 'target_ids'
export const TARGET_LOG_PROBS_OUTPUT = 'target_log_probs'
export const ARGMAX_IDS_OUTPUT = 'argmax_ids'

/** Bump when the appended tail changes: cached scoring graphs of another version are rebuilt. */
export const SCORING_GRAPH_VERSION = 2

const PREFIX = 'lmscale_scoring'
/** Terms per fp32 partial sum of the softmax denominator. */
const SUM_BLOCK = 16

export class ScoringGraphError extends Error {
  override name = 'ScoringGraphError'
}

/**
 * Returns a copy of `model` whose graph takes `target_ids` and outputs `target_log_probs` (the log-softmax of
 * the float32 logits at the target ids, finished in float64) and `argmax_ids` (int64), both
 * [batch_size, sequence_length], instead of `logits`. Throws a ScoringGraphError naming what is missing when
 * the graph is not a decoder this can rewrite.
 */
export function appendScoringTail(model: OnnxNamespace.IModelProto, where = 'the model'): OnnxNamespace.ModelProto {
  const graph = model.graph
  if (!graph) throw new ScoringGraphError(`${where} has no graph`)
  const outputs = graph.output ?? []
  const logits = outputs.find(o => o.name === 'logits')
  if (!logits) {
    throw new ScoringGraphError(
      `${where}: the graph has no output named logits (outputs: ${outputs.map(o => o.name).join(', ') || 'none'}); is it a decoder in the transformers.js layout?`,
    )
  }
  const tensorType = logits.type?.tensorType
  const elemType = tensorType?.elemType ?? 0
  if (elemType !== DataType.FLOAT && elemType !== DataType.FLOAT16) {
    throw new ScoringGraphError(`${where}: logits have element type ${elemType}; in-graph scoring handles float32 and float16`)
  }
  const dims = tensorType?.shape?.dim
  if (dims && dims.length !== 3) throw new ScoringGraphError(`${where}: logits have rank ${dims.length}, expected [batch, sequence, vocab]`)
  const inputIds = (graph.input ?? []).find(i => i.name === 'input_ids')
  if (!inputIds) throw new ScoringGraphError(`${where}: the graph has no input named input_ids`)
  const opset = Number((model.opsetImport ?? []).find(o => !o.domain || o.domain === 'ai.onnx')?.version ?? 0)
  if (opset < 13) throw new ScoringGraphError(`${where}: opset ${opset} is older than 13, the first with the operator forms the scoring tail uses`)
  const taken = new Set([...(graph.input ?? []), ...outputs].map(value => value.name))
  for (const node of graph.node ?? []) for (const name of node.output ?? []) taken.add(name)
  for (const name of [TARGET_IDS_INPUT, TARGET_LOG_PROBS_OUTPUT, ARGMAX_IDS_OUTPUT]) {
    if (taken.has(name)) throw new ScoringGraphError(`${where}: the graph already has a value named ${name}; is it a scoring graph already?`)
  }

  const vocab = Number(dims?.[2]?.dimValue ?? 0)
  if (!(vocab > 0)) throw new ScoringGraphError(`${where}: the logits' vocabulary dimension is not a fixed number`)
  const padding = (SUM_BLOCK - (vocab % SUM_BLOCK)) % SUM_BLOCK

  const v = (name: string) => `${PREFIX}/${name}`
  const int = (name: string, i: number): OnnxNamespace.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i })
  const node = (opType: string, input: string[], output: string, attribute: OnnxNamespace.IAttributeProto[] = []): OnnxNamespace.INodeProto => ({
    opType,
    name: v(output),
    input,
    output: [output],
    attribute,
  })
  const toDouble = (input: string) => node('Cast', [input], `${input}_f64`, [int('to', DataType.DOUBLE)])
  const fp32 = elemType === DataType.FLOAT ? 'logits' : v('logits_fp32')
  const nodes = [
    ...(elemType === DataType.FLOAT ? [] : [node('Cast', ['logits'], fp32, [int('to', DataType.FLOAT)])]),
    // select_last_index = 0: the first maximum wins, as in lm-eval's argmax.
    node('ArgMax', [fp32], v('argmax'), [int('axis', -1), int('keepdims', 1)]),
    node('Reshape', [v('argmax'), v('shape_bs')], ARGMAX_IDS_OUTPUT),
    node('GatherElements', [fp32, v('argmax')], v('max'), [int('axis', -1)]),
    node('Sub', [fp32, v('max')], v('shifted')),
    node('Exp', [v('shifted')], v('exp')),
    // An fp32 sum over the whole vocabulary drifts by ~1e-6 relative, which is ~1e-6 in every log-probability:
    // sum blocks of SUM_BLOCK terms in fp32 (a few 1e-8), then the block sums in float64. Casting every term
    // to float64 instead costs ~10% of a forward pass; longer fp32 blocks drift (256: 1e-6) and, measured on
    // onnxruntime 1.30, 32 or 64 stop being bit-identical across batch sizes. A vocabulary that is not a
    // multiple of the block is padded with zero terms.
    ...(padding > 0 ? [node('Pad', [v('exp'), v('vocab_padding'), v('zero')], v('exp_padded'))] : []),
    node('Reshape', [padding > 0 ? v('exp_padded') : v('exp'), v('shape_blocks')], v('exp_blocks')),
    node('ReduceSum', [v('exp_blocks'), v('axis_last')], v('block_sums'), [int('keepdims', 0)]),
    toDouble(v('block_sums')),
    node('ReduceSum', [v('block_sums_f64'), v('axis_last')], v('sum_f64'), [int('keepdims', 1)]),
    // Reshape with 0 = "keep this dimension" avoids Unsqueeze/Squeeze, whose axes moved between opsets.
    node('Reshape', [TARGET_IDS_INPUT, v('shape_bs1')], v('target_index')),
    node('GatherElements', [fp32, v('target_index')], v('target_logit'), [int('axis', -1)]),
    toDouble(v('target_logit')),
    toDouble(v('max')),
    node('Sub', [v('target_logit_f64'), v('max_f64')], v('target_shifted')),
    node('Log', [v('sum_f64')], v('log_sum')),
    node('Sub', [v('target_shifted'), v('log_sum')], v('target_log_prob')),
    node('Reshape', [v('target_log_prob'), v('shape_bs')], TARGET_LOG_PROBS_OUTPUT),
  ]
  const int64 = (name: string, values: number[]): OnnxNamespace.ITensorProto => ({ name, dataType: DataType.INT64, dims: [values.length], int64Data: values })
  const batchAndSequence = inputIds.type?.tensorType?.shape?.dim?.slice(0, 2) ?? [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }]
  const info = (name: string, type: number): OnnxNamespace.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: type, shape: { dim: batchAndSequence } } },
  })
  const copy = onnx.ModelProto.create({ ...model })
  copy.graph = onnx.GraphProto.create({
    ...graph,
    node: [...(graph.node ?? []), ...nodes],
    initializer: [
      ...(graph.initializer ?? []),
      int64(v('shape_bs1'), [0, 0, 1]),
      int64(v('shape_bs'), [0, 0]),
      int64(v('axis_last'), [-1]),
      int64(v('shape_blocks'), [0, 0, (vocab + padding) / SUM_BLOCK, SUM_BLOCK]),
      ...(padding > 0 ? [int64(v('vocab_padding'), [0, 0, 0, 0, 0, padding]), { name: v('zero'), dataType: DataType.FLOAT, dims: [], floatData: [0] }] : []),
    ],
    input: [...(graph.input ?? []), info(TARGET_IDS_INPUT, DataType.INT64)],
    output: [info(TARGET_LOG_PROBS_OUTPUT, DataType.DOUBLE), info(ARGMAX_IDS_OUTPUT, DataType.INT64), ...outputs.filter(o => o.name !== 'logits')],
  })
  return copy
}

export interface ScoringGraphFile {
  readonly path: string
  /** Whether an earlier run had already written it. */
  readonly cached: boolean
}

/** Where self-contained scoring graphs are cached: LMSCALE_CACHE_DIR, else node_modules/.cache/lmscale. */
export function defaultScoringCacheDir(): string {
  return join(resolve(process.env.LMSCALE_CACHE_DIR ?? join(process.cwd(), 'node_modules', '.cache', 'lmscale')), 'scoring-graphs')
}

/**
 * The scoring graph of the ONNX file at `onnxPath`, written once and keyed by the original's sha256 (so an
 * edited model gets a new one). A graph with external data is written beside the original, as
 * `<name>.lmscale-scoring-v<version>-<hash prefix>.onnx` (its weights' `location`s are relative to the graph
 * file; stale siblings are removed); a self-contained one goes to `cacheDir`, leaving the model directory as
 * it was.
 */
export async function ensureScoringGraph(onnxPath: string, cacheDir = defaultScoringCacheDir()): Promise<ScoringGraphFile> {
  const dir = dirname(onnxPath)
  const hash = await sha256File(onnxPath)
  const marker = `${basename(onnxPath, '.onnx')}.lmscale-scoring-`
  const beside = join(dir, `${marker}v${SCORING_GRAPH_VERSION}-${hash.slice(0, 16)}.onnx`)
  const cached = join(cacheDir, `${hash}-v${SCORING_GRAPH_VERSION}.onnx`)
  for (const path of [beside, cached]) if (existsSync(path)) return { path, cached: true }

  const model = onnx.ModelProto.decode(await readFile(onnxPath))
  const bytes = onnx.ModelProto.encode(appendScoringTail(model, onnxPath)).finish()
  const external = (model.graph?.initializer ?? []).some(t => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
  const path = external ? beside : cached
  await mkdir(dirname(path), { recursive: true })
  const staging = `${path}.partial-${process.pid}`
  try {
    await writeFile(staging, bytes)
    await rename(staging, path)
  } catch (error) {
    await rm(staging, { force: true })
    throw new ScoringGraphError(`cannot write the scoring graph ${path} (${(error as Error).message}); make its directory writable`, { cause: error })
  }
  if (external) {
    const stale = (await readdir(dir)).filter(f => f.startsWith(marker) && f.endsWith('.onnx') && join(dir, f) !== path)
    await Promise.all(stale.map(f => rm(join(dir, f), { force: true })))
  }
  return { path, cached: false }
}

export async function sha256File(path: string): Promise<string> {
  const digest = createHash('sha256')
  for await (const chunk of createReadStream(path)) digest.update(chunk as Buffer)
  return digest.digest('hex')
}
