/**
 * lmscale against the hardware and against the naive method of the prior study (one window per call, full
 * logits copied to JavaScript and scored there, decoding without a KV cache), measured in one process and
 * printed as tables with PASS/FAIL acceptance lines (issue 9). Run with `npm run perf` (a few minutes on
 * 2 cores); it only runs under vitest.perf.config.ts, which sets LMSCALE_PERF=1, so study runs skip it.
 */
import { cpus, loadavg } from 'node:os'
import { describe, expect, test } from 'vitest'
import { fixedChunkPlan, slidingWindowPlan } from '../src/scoring/windows.ts'
import { documentText, loadBrownCorpus } from '../src/data/brown-corpus.ts'
import { ensureFixtureModels } from '../src/forge/fixture-family.ts'
import { LanguageModel, type LanguageModelOptions } from '../src/models/language-model.ts'
import {
  bandwidthBoundTokensPerSecond,
  decodeBytesPerToken,
  naiveCostBesideGpu,
  T4_CLASS_GPU,
  type GpuComparison,
  type WeightCounts,
} from '../src/perf/flops.ts'
import { bestMatMulCeiling, measureMemoryBandwidth, type MatMulCeiling, type MemoryBandwidth } from '../src/perf/hardware-ceiling.ts'
import { hellaSwagShapedRequests } from '../test-support/hellaswag-shaped.ts'
import { measureNaiveJavascriptCost, type NaiveJavascriptCost } from '../src/perf/logits-transfer.ts'
import { ensurePerfModel, ensurePerfModelQ8 } from '../test-support/perf-model.ts'
import { phaseThreads, type PhaseThreads } from '../src/perf/available-cores.ts'
import { fixed, formatAcceptance, formatTable, type AcceptanceLine } from '../src/perf/report-table.ts'
import {
  measureDecode,
  measureMultipleChoice,
  measurePerplexityScoring,
  weightCounts,
  type DecodeRate,
  type MultipleChoiceRate,
  type ScoringRate,
} from '../src/perf/workloads.ts'

/** The prior study's method, as LanguageModel options: full logits to JavaScript, one window per call, nothing shared or chunked. */
const NAIVE: LanguageModelOptions = { scoring: 'logits', shareContexts: false, batchSize: 1, chunkLength: 0 }
/** The issue's scoring workload: sliding-window perplexity, 1024-token windows advancing by 512, over this many tokens. */
const WINDOW = 1024
const STRIDE = 512
const SCORED_TOKENS = 4096
const PROMPT = 512
const NEW_TOKENS = 50
const MC_DOCUMENTS = 16
const SHORT_PROMPT = 16
const SCORING_ROUNDS = 3
const SHORT_NEW_TOKENS = 65

const corpus = loadBrownCorpus().heldOut.map(documentText).join('\n\n')
const print = (text: string) => process.stdout.write(`${text}\n`)

/** Two measurements around a workload at its threads, so both see the machine as the workload did; the higher is kept (the stricter bound). */
async function bandwidthAround<T>(threads: number, workload: () => Promise<T>): Promise<{ result: T; bandwidth: MemoryBandwidth; samples: number[] }> {
  const before = await measureMemoryBandwidth(256, { threads })
  const result = await workload()
  const after = await measureMemoryBandwidth(256, { threads })
  return { result, bandwidth: after.gbPerSecond > before.gbPerSecond ? after : before, samples: [before.gbPerSecond, after.gbPerSecond] }
}

interface ModelMeasurements {
  readonly name: string
  readonly weights: WeightCounts
  /** FLOPs of attention's QKᵀ and AV in one full window (4 × window² × hidden per layer), not in forwardFlops. */
  readonly attentionFlopsPerWindow: number
  readonly window: number
  readonly windows: number
  readonly threads: PhaseThreads
  readonly loadMs: number
  readonly scored: ScoringRate
  readonly scoredNaive: ScoringRate
  readonly javascript: NaiveJavascriptCost
  readonly gpu: GpuComparison
  readonly shared: MultipleChoiceRate
  readonly separate: MultipleChoiceRate
  readonly cached: DecodeRate
  readonly uncached: DecodeRate
  readonly naiveDecode: DecodeRate
  /** Decoding after a short prompt (llama-bench's tg), where the weights dominate every step. */
  readonly shortDecode: DecodeRate
  /** The best MatMul of the round of the median ratio, and every shape of that round. */
  readonly ceiling: MatMulCeiling
  readonly ceilingShapes: readonly MatMulCeiling[]
  readonly ceilingSamples: number[]
  /** Median over rounds of lmscale's tokens/s over the naive method's in the same round. */
  readonly vsNaive: number
  readonly bandwidth: MemoryBandwidth
  readonly bandwidthSamples: number[]
  /** The 1-minute load average when each figure was taken. */
  readonly load: Readonly<Record<string, number>>
  readonly sweep?: ThreadSweep
}

/**
 * lmscale's defaults against explicit thread counts, timed in the same rounds (each round: the defaults, then
 * each count), so every ratio compares passes under the same load; and the q8 export.
 */
interface ThreadSweep {
  /** The defaults' rate in each round. */
  readonly defaults: { readonly scoring: readonly ScoringRate[]; readonly decode: readonly DecodeRate[] }
  readonly scoring: readonly ThreadRate<ScoringRate>[]
  readonly decode: readonly (ThreadRate<DecodeRate> & { readonly bandwidth: MemoryBandwidth })[]
  readonly q8: ScoringRate
}

interface ThreadRate<R> {
  readonly threads: number
  /** The count's rate in each round. */
  readonly rates: readonly R[]
  /** Median over rounds of the defaults' tokens/s ÷ this count's in the same round. */
  readonly defaultOver: number
}

const medianOf = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
/** Explicit thread counts the defaults are compared with. */
const EXPLICIT_THREADS = [1, 2]

async function measureModel(name: string, dir: string, options: { readonly threadSweep: boolean }): Promise<ModelMeasurements> {
  const load: Record<string, number> = {}
  const mark = (figure: string) => (load[figure] = loadavg()[0]!)
  // lmscale's defaults, as the harness chooses them (src/perf/available-cores.ts).
  const threads = phaseThreads(undefined)
  const defaults = { threads: threads.scoring, decodeThreads: threads.decode }
  const loadStarted = performance.now()
  const harness = await LanguageModel.fromDirectory(dir, { id: name, ...defaults })
  const loadMs = performance.now() - loadStarted
  mark('load')
  const naive = await LanguageModel.fromDirectory(dir, { ...NAIVE, id: `${name} (naive)`, threads: threads.scoring })
  const recompute = await LanguageModel.fromDirectory(dir, { id: `${name} (contexts recomputed)`, shareContexts: false, ...defaults })
  const weights = weightCounts(harness)
  const vocab = Number(harness.config.vocab_size)
  const hidden = Number(harness.config.hidden_size)
  const window = Math.min(WINDOW, harness.maxLength)
  const tokens = harness.tokenizer.encode(corpus, { addSpecialTokens: true }).slice(0, SCORED_TOKENS)
  const plan = slidingWindowPlan(tokens.length, { maxLength: window, stride: STRIDE })
  // The square MatMul and the model's own: the window's rows through the FFN's up projection and the LM head.
  const shapes: [number, number, number][] = [
    [2048, 2048, 2048],
    [window, hidden, Number(harness.config.intermediate_size)],
    [window, hidden, vocab],
  ]

  // The same model at each explicit thread count (scoring and decode sessions), for the sweep's interleaved rounds.
  const explicit: { threads: number; model: LanguageModel }[] = []
  if (options.threadSweep) {
    for (const count of EXPLICIT_THREADS) {
      explicit.push({
        threads: count,
        model: await LanguageModel.fromDirectory(dir, { id: `${name} (${count} threads)`, threads: count, decodeThreads: count }),
      })
    }
  }

  // Rounds of (ceiling, lmscale, naive, each explicit thread count), each round's passes under the same load; medians over rounds.
  const rounds: { ceiling: MatMulCeiling; shapes: readonly MatMulCeiling[]; scored: ScoringRate; scoredNaive: ScoringRate; explicit: ScoringRate[] }[] = []
  for (let round = 0; round < SCORING_ROUNDS; round++) {
    const once = { iterations: 1, warmupIterations: round === 0 ? 1 : 0 }
    const { best, all } = await bestMatMulCeiling(shapes, { iterations: 3, threads: threads.scoring })
    const scored = await measurePerplexityScoring(harness, tokens, plan, once)
    const scoredNaive = await measurePerplexityScoring(naive, tokens, plan, once)
    const byThreads: ScoringRate[] = []
    for (const { model } of explicit) byThreads.push(await measurePerplexityScoring(model, tokens, plan, once))
    rounds.push({ ceiling: best, shapes: all, scored, scoredNaive, explicit: byThreads })
  }
  mark('scoring')
  const median = <T>(key: (r: (typeof rounds)[number]) => number, pick: (r: (typeof rounds)[number]) => T): T =>
    pick([...rounds].sort((x, y) => key(x) - key(y))[Math.floor(rounds.length / 2)]!)
  const byShare = (r: (typeof rounds)[number]) => r.scored.gflops / r.ceiling.gflops
  const javascript = await measureNaiveJavascriptCost(512, vocab)
  const gpu = naiveCostBesideGpu(weights, vocab, javascript.totalMicrosPerToken)

  const requests = hellaSwagShapedRequests(corpus, harness.tokenizer, { documents: MC_DOCUMENTS })
  const shared = await measureMultipleChoice(harness, requests)
  const separate = await measureMultipleChoice(recompute, requests)

  const prompt = tokens.slice(0, PROMPT)
  const decoding = await bandwidthAround(threads.decode, async () => ({
    shortDecode: await measureDecode(harness, tokens.slice(0, SHORT_PROMPT), SHORT_NEW_TOKENS, true),
    cached: await measureDecode(harness, prompt, NEW_TOKENS, true),
  }))
  mark('decode')
  const { shortDecode, cached } = decoding.result
  const uncached = await measureDecode(harness, prompt, NEW_TOKENS, false, { iterations: 1, warmupIterations: 0 })
  const naiveDecode = await measureDecode(naive, prompt, 5, false, { iterations: 1, warmupIterations: 0 })
  await Promise.all([naive.release(), recompute.release()])

  let sweep: ThreadSweep | undefined
  if (options.threadSweep) {
    // Decode after a short prompt in rounds of (defaults, each explicit count), as the scoring rounds above.
    const decodeRounds: { own: DecodeRate; explicit: DecodeRate[] }[] = []
    for (let round = 0; round < SCORING_ROUNDS; round++) {
      const own = await measureDecode(harness, tokens.slice(0, SHORT_PROMPT), SHORT_NEW_TOKENS, true)
      const byThreads: DecodeRate[] = []
      for (const { model } of explicit) byThreads.push(await measureDecode(model, tokens.slice(0, SHORT_PROMPT), SHORT_NEW_TOKENS, true))
      decodeRounds.push({ own, explicit: byThreads })
    }
    await Promise.all(explicit.map(({ model }) => model.release()))
    const scoring = explicit.map(({ threads: count }, k) => ({
      threads: count,
      rates: rounds.map(r => r.explicit[k]!),
      defaultOver: medianOf(rounds.map(r => r.scored.tokensPerSecond / r.explicit[k]!.tokensPerSecond)),
    }))
    const decode: ThreadSweep['decode'][number][] = []
    for (const [k, { threads: count }] of explicit.entries()) {
      decode.push({
        threads: count,
        rates: decodeRounds.map(r => r.explicit[k]!),
        defaultOver: medianOf(decodeRounds.map(r => r.own.tokensPerSecond / r.explicit[k]!.tokensPerSecond)),
        bandwidth: await measureMemoryBandwidth(256, { threads: count }),
      })
    }
    mark('thread sweep')
    await ensurePerfModelQ8(dir)
    const q8Model = await LanguageModel.fromDirectory(dir, { id: `${name} (q8)`, dtype: 'q8', ...defaults })
    const q8 = await measurePerplexityScoring(q8Model, tokens, plan, { iterations: 1 })
    await q8Model.release()
    mark('q8')
    sweep = { defaults: { scoring: rounds.map(r => r.scored), decode: decodeRounds.map(r => r.own) }, scoring, decode, q8 }
  }
  await harness.release()
  // The bound is the best bandwidth seen at any thread count, so a ceiling is a ceiling.
  const bandwidths = [decoding.bandwidth, ...(sweep?.decode.map(d => d.bandwidth) ?? [])]
  return {
    name,
    weights,
    attentionFlopsPerWindow: 4 * window ** 2 * hidden * Number(harness.config.num_hidden_layers),
    window,
    windows: plan.length,
    threads,
    loadMs,
    scored: median(byShare, r => r.scored),
    scoredNaive: median(
      r => r.scoredNaive.tokensPerSecond,
      r => r.scoredNaive,
    ),
    javascript,
    gpu,
    shared,
    separate,
    cached,
    uncached,
    naiveDecode,
    shortDecode,
    ceiling: median(byShare, r => r.ceiling),
    ceilingShapes: median(byShare, r => r.shapes),
    ceilingSamples: rounds.map(r => r.ceiling.gflops),
    vsNaive: median(
      r => r.scored.tokensPerSecond / r.scoredNaive.tokensPerSecond,
      r => r.scored.tokensPerSecond / r.scoredNaive.tokensPerSecond,
    ),
    bandwidth: bandwidths.reduce((a, b) => (b.gbPerSecond > a.gbPerSecond ? b : a)),
    bandwidthSamples: [...decoding.samples, ...(sweep?.decode.map(d => d.bandwidth.gbPerSecond) ?? [])],
    load,
    ...(sweep ? { sweep } : {}),
  }
}

const atLoad = (m: ModelMeasurements, figure: string) => `load ${fixed(m.load[figure] ?? Number.NaN, 1)}`
const shapeName = (c: MatMulCeiling) => c.shape.join('×')
/** The weights' GFLOP/s plus attention's (QKᵀ and AV of every window, counted apart), for a scoring rate. */
const attentionGflops = (m: ModelMeasurements, rate: ScoringRate) => (m.attentionFlopsPerWindow * m.windows * 1000) / rate.timing.medianMs / 1e9

function figureRows(m: ModelMeasurements): string[][] {
  const percentOfCeiling = (gflops: number) => `${fixed((100 * gflops) / m.ceiling.gflops)}%`
  const bytesPerToken = decodeBytesPerToken(m.weights)
  const bound = bandwidthBoundTokensPerSecond(bytesPerToken, m.bandwidth.gbPerSecond * 1e9)
  const mcGap = Math.max(...m.shared.logLikelihoods.map((value, i) => Math.abs(value - m.separate.logLikelihoods[i]!)))
  const sameTokens = m.cached.tokens.every((token, i) => token === m.uncached.tokens[i])
  const { javascript, gpu } = m
  const workload = `sliding window ${m.window}/${STRIDE}, ${SCORED_TOKENS} tokens, ${m.windows} windows`
  return [
    ['figure', 'lmscale', 'naive / baseline', 'ratio, note'],
    [
      'threads (lmscale default: scoring / decode)',
      `${m.threads.scoring} / ${m.threads.decode}`,
      '',
      'from the cores the process may use (src/perf/available-cores.ts)',
    ],
    ['model load, ms', fixed(m.loadMs), '', `files, tokenizer and onnxruntime session; ${atLoad(m, 'load')}`],
    [
      'MatMul ceiling, fp32 GFLOP/s (best shape)',
      `${fixed(m.ceiling.gflops)} (${shapeName(m.ceiling)})`,
      '',
      `shapes in that round: ${m.ceilingShapes.map(c => `${shapeName(c)} ${fixed(c.gflops)}`).join(', ')}; best per round: ${m.ceilingSamples.map(g => fixed(g)).join(', ')}`,
    ],
    [
      'memory bandwidth, GB/s (best)',
      fixed(m.bandwidth.gbPerSecond),
      '',
      `samples: ${m.bandwidthSamples.map(g => fixed(g)).join(', ')} (around the decodes at ${m.threads.decode} thread, then at 1 and 2 threads)`,
    ],
    [
      `perplexity tokens/s (${workload})`,
      fixed(m.scored.tokensPerSecond),
      fixed(m.scoredNaive.tokensPerSecond),
      `${fixed(m.vsNaive, 2)}× (median of per-round ratios); |ΔNLL| ${Math.abs(m.scored.nll - m.scoredNaive.nll).toExponential(1)} nats; ${atLoad(m, 'scoring')}`,
    ],
    [
      'perplexity achieved GFLOP/s (% of MatMul ceiling)',
      `${fixed(m.scored.gflops)} (${percentOfCeiling(m.scored.gflops)})`,
      `${fixed(m.scoredNaive.gflops)} (${percentOfCeiling(m.scoredNaive.gflops)})`,
      `weights only: 2 × (${fixed(m.weights.nonEmbedding / 1e6)}M non-embedding + ${fixed(m.weights.lmHead / 1e6)}M LM head) per position fed; attention adds ${fixed(attentionGflops(m, m.scored))} GFLOP/s (${fixed(m.attentionFlopsPerWindow / 1e9)} GFLOP per window), counted in the acceptance line`,
    ],
    [
      'naive JS cost, µs/token (logits transfer + log-softmax)',
      '0 (in-graph)',
      `${fixed(javascript.totalMicrosPerToken)} = ${fixed(javascript.transferMicrosPerToken)} + ${fixed(javascript.logSoftmaxMicrosPerToken)}`,
      `${fixed((100 * javascript.totalMicrosPerToken * m.scoredNaive.tokensPerSecond) / 1e6)}% of the naive method's time per token here`,
    ],
    [
      'beside a GPU forward pass, µs/token',
      `${fixed(gpu.forwardMicros, 2)} (forward)`,
      `${fixed(gpu.forwardMicros + gpu.copyMicros + gpu.javascriptMicros)} (+ copy ${fixed(gpu.copyMicros, 1)} + JS)`,
      `naive: GPU idle ${fixed(100 * gpu.idleFraction)}% of the time; assumes ${T4_CLASS_GPU.description}`,
    ],
    [
      `multiple choice requests/s (${MC_DOCUMENTS} docs × 4 choices)`,
      fixed(m.shared.requestsPerSecond),
      fixed(m.separate.requestsPerSecond),
      `${fixed(m.shared.requestsPerSecond / m.separate.requestsPerSecond, 2)}×; baseline recomputes each context; max |ΔLL| ${mcGap.toExponential(1)}`,
    ],
    [
      'multiple choice positions fed (∝ FLOPs)',
      String(m.shared.positionsFed),
      String(m.separate.positionsFed),
      `${fixed(m.shared.positionsFed / m.separate.positionsFed, 3)}×`,
    ],
    [
      `decode tokens/s (batch 1, after ${PROMPT} tokens)`,
      fixed(m.cached.tokensPerSecond),
      fixed(m.naiveDecode.tokensPerSecond),
      `naive: no cache, full logits; bound ${fixed(bound)} tokens/s = ${fixed(m.bandwidth.gbPerSecond)} GB/s / ${fixed(bytesPerToken / 1e6)} MB of weights; ${atLoad(m, 'decode')}`,
    ],
    [
      `decode tokens/s (batch 1, after ${SHORT_PROMPT} tokens)`,
      fixed(m.shortDecode.tokensPerSecond),
      '',
      `${SHORT_NEW_TOKENS - 1} steps timed (prefill subtracted)`,
    ],
    [
      'decode, share of the bandwidth bound',
      `${fixed((100 * m.shortDecode.tokensPerSecond) / bound)}% / ${fixed((100 * m.cached.tokensPerSecond) / bound)}%`,
      `${fixed((100 * m.naiveDecode.tokensPerSecond) / bound)}%`,
      `after ${SHORT_PROMPT} / after ${PROMPT} tokens`,
    ],
    [
      `${NEW_TOKENS} tokens after ${PROMPT}, seconds: cache / none`,
      fixed(m.cached.timing.medianMs / 1000, 2),
      fixed(m.uncached.timing.medianMs / 1000, 2),
      `${fixed(m.uncached.timing.medianMs / m.cached.timing.medianMs)}× faster with the cache; same tokens: ${sameTokens}`,
    ],
    ...(m.sweep ? sweepRows(m, m.sweep) : []),
  ]
}

function sweepRows(m: ModelMeasurements, sweep: ThreadSweep): string[][] {
  const perRound = (rates: readonly { tokensPerSecond: number }[]) => rates.map(r => fixed(r.tokensPerSecond)).join(' / ')
  return [
    [
      'scoring tokens/s by intra-op threads, per round',
      `default ${perRound(sweep.defaults.scoring)}`,
      sweep.scoring.map(s => `${s.threads}: ${perRound(s.rates)}`).join('; '),
      `${sweep.scoring.map(s => `default ÷ ${s.threads} = ${fixed(s.defaultOver, 2)}×`).join(', ')} (median of ${SCORING_ROUNDS} interleaved rounds); ${atLoad(m, 'scoring')}`,
    ],
    [
      `decode tokens/s by intra-op threads (after ${SHORT_PROMPT} tokens), per round`,
      `default ${perRound(sweep.defaults.decode)}`,
      sweep.decode.map(d => `${d.threads}: ${perRound(d.rates)}`).join('; '),
      `${sweep.decode.map(d => `default ÷ ${d.threads} = ${fixed(d.defaultOver, 2)}×`).join(', ')}; bandwidth at ${sweep.decode.map(d => d.threads).join(' / ')} threads: ${sweep.decode.map(d => fixed(d.bandwidth.gbPerSecond)).join(' / ')} GB/s; ${atLoad(m, 'thread sweep')}`,
    ],
    [
      'q8 export: perplexity tokens/s (GFLOP/s, % of the fp32 ceiling)',
      `${fixed(sweep.q8.tokensPerSecond)} (${fixed(sweep.q8.gflops)}, ${fixed((100 * sweep.q8.gflops) / m.ceiling.gflops)}%)`,
      '',
      `dynamic int8 MatMuls, one row per call; lmscale's default threads; ${atLoad(m, 'q8')}`,
    ],
  ]
}

/** Passes in one round differ by this much on a shared machine with nothing changed: "no slower" allows it. */
const SAME_CONFIGURATION_NOISE = 0.1

function acceptance(m: ModelMeasurements): AcceptanceLine[] {
  const bytesPerToken = decodeBytesPerToken(m.weights)
  const bandwidth = m.bandwidth.gbPerSecond * 1e9
  const bound = bandwidthBoundTokensPerSecond(bytesPerToken, bandwidth)
  const speedup = m.uncached.timing.medianMs / m.cached.timing.medianMs
  const flopRatio = m.shared.positionsFed / m.separate.positionsFed
  const vsNaive = m.vsNaive
  const lines: AcceptanceLine[] = [
    {
      // Attention's QKᵀ and AV are work the scorer does, counted as PaLM's model-FLOPs utilisation counts them (4 · layers ·
      // hidden · window per position, appendix B), and stated apart.
      claim: `sliding-window perplexity (${m.window}/${STRIDE}) ≥ 65% of the MatMul ceiling with lmscale's defaults (FLOPs of the weights and of attention, each stated)`,
      measured: `(weights ${fixed(m.scored.gflops)} + attention ${fixed(attentionGflops(m, m.scored))}) / ${fixed(m.ceiling.gflops)} GFLOP/s = ${fixed((100 * (m.scored.gflops + attentionGflops(m, m.scored))) / m.ceiling.gflops)}% (weights alone ${fixed((100 * m.scored.gflops) / m.ceiling.gflops)}%)`,
      pass: m.scored.gflops + attentionGflops(m, m.scored) >= 0.65 * m.ceiling.gflops,
    },
    {
      claim: 'perplexity scoring ≥ 1.5× the naive method',
      measured: `median over ${SCORING_ROUNDS} rounds of lmscale / naive tokens/s = ${fixed(vsNaive, 2)}×`,
      pass: vsNaive >= 1.5,
    },
    {
      claim: 'multiple choice ≤ 0.6× the FLOPs of recomputing each context',
      measured: `${m.shared.positionsFed} / ${m.separate.positionsFed} positions fed = ${fixed(flopRatio, 3)}×`,
      pass: flopRatio <= 0.6,
    },
    {
      claim: `batch-1 KV-cached decode (after ${SHORT_PROMPT} tokens) ≥ 60% of the memory-bandwidth bound`,
      measured: `${fixed(m.shortDecode.tokensPerSecond)} / ${fixed(bound)} tokens/s = ${fixed((100 * m.shortDecode.tokensPerSecond) / bound)}% (after ${PROMPT} tokens: ${fixed((100 * m.cached.tokensPerSecond) / bound)}%)`,
      pass: m.shortDecode.tokensPerSecond >= 0.6 * bound,
    },
    {
      claim: `${NEW_TOKENS} tokens after a ${PROMPT}-token prompt ≥ 10× faster with the cache`,
      measured: `${fixed(m.uncached.timing.medianMs / 1000, 2)} s / ${fixed(m.cached.timing.medianMs / 1000, 2)} s = ${fixed(speedup)}×`,
      pass: speedup >= 10,
    },
  ]
  if (!m.sweep) return lines
  const noSlower = (phase: string, explicit: readonly ThreadRate<unknown>[]): AcceptanceLine => {
    const worst = Math.min(...explicit.map(e => e.defaultOver))
    return {
      claim: `${phase} with lmscale's default threads no slower than any explicit count (within ${SAME_CONFIGURATION_NOISE * 100}% run-to-run noise)`,
      measured: `${explicit.map(e => `default ÷ ${e.threads} thread${e.threads === 1 ? '' : 's'} = ${fixed(e.defaultOver, 2)}×`).join(', ')} (median of ${SCORING_ROUNDS} interleaved rounds)`,
      pass: worst >= 1 - SAME_CONFIGURATION_NOISE,
    }
  }
  return [...lines, noSlower('scoring', m.sweep.scoring), noSlower('batch-1 decode', m.sweep.decode)]
}

/**
 * LMSCALE_PERF_DISABLE switches one optimisation off in lmscale's model, to show that the short run's lines catch
 * its loss: in-graph scoring (logits copied out instead), shared multiple-choice contexts, or the KV cache.
 */
const DISABLE = process.env.LMSCALE_PERF_DISABLE
const DISABLES: Readonly<Record<string, LanguageModelOptions>> = {
  'in-graph-scoring': { scoring: 'logits' },
  'shared-contexts': { shareContexts: false },
  'kv-cache': {},
}
if (DISABLE !== undefined && !(DISABLE in DISABLES)) {
  throw new Error(`LMSCALE_PERF_DISABLE=${DISABLE}: expected one of ${Object.keys(DISABLES).join(', ')}`)
}
const SHORT = process.env.LMSCALE_PERF_SHORT === '1'
const SHORT_RUN_PROMPT = 256
const SHORT_RUN_NEW_TOKENS = 16

/** The lines that failed, after printing them all: `npm run perf` exits non-zero on any. */
function failing(lines: readonly AcceptanceLine[]): string[] {
  return lines.filter(line => !line.pass).map(line => `${line.claim}: ${line.measured}`)
}

/**
 * The short run (`.ci/run`): ratios of lmscale against itself with one optimisation off, each pair timed back to
 * back in the same process, on a small body with a real vocabulary. Tolerances are wide for a shared 2-core
 * machine (the ratios measured were far beyond them) yet each line fails when its optimisation is off.
 */
async function shortAcceptance(dir: string): Promise<AcceptanceLine[]> {
  const threads = phaseThreads(undefined)
  const settings = { threads: threads.scoring, decodeThreads: threads.decode, ...(DISABLE ? DISABLES[DISABLE] : {}) }
  const harness = await LanguageModel.fromDirectory(dir, { id: 'short', ...settings })
  const logits = await LanguageModel.fromDirectory(dir, { id: 'short (logits out)', threads: threads.scoring, scoring: 'logits' })
  const recompute = await LanguageModel.fromDirectory(dir, { id: 'short (contexts recomputed)', threads: threads.scoring, shareContexts: false })
  const tokens = harness.tokenizer.encode(corpus, { addSpecialTokens: true }).slice(0, 2048)
  const plan = fixedChunkPlan(tokens.length, 512)
  const rounds: number[] = []
  for (let round = 0; round < SCORING_ROUNDS; round++) {
    const once = { iterations: 1, warmupIterations: round === 0 ? 1 : 0 }
    const graph = await measurePerplexityScoring(harness, tokens, plan, once)
    rounds.push(graph.tokensPerSecond / (await measurePerplexityScoring(logits, tokens, plan, once)).tokensPerSecond)
  }
  const inGraph = rounds.sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!
  const requests = hellaSwagShapedRequests(corpus, harness.tokenizer, { documents: MC_DOCUMENTS })
  const shared = await measureMultipleChoice(harness, requests, { iterations: 1 })
  const separate = await measureMultipleChoice(recompute, requests, { iterations: 1 })
  // Shorter than the full run's decode: without the cache every token re-runs the prompt.
  const prompt = tokens.slice(0, SHORT_RUN_PROMPT)
  const cached = await measureDecode(harness, prompt, SHORT_RUN_NEW_TOKENS, DISABLE !== 'kv-cache', { iterations: 2, warmupIterations: 1 })
  const uncached = await measureDecode(harness, prompt, SHORT_RUN_NEW_TOKENS, false, { iterations: 1, warmupIterations: 0 })
  await Promise.all([harness.release(), logits.release(), recompute.release()])
  const speedup = uncached.timing.medianMs / cached.timing.medianMs
  const flopRatio = shared.positionsFed / separate.positionsFed
  return [
    {
      claim: 'in-graph scoring ≥ 1.5× the same model copying logits out (512-token chunks, 32,000-token vocabulary)',
      measured: `median over ${SCORING_ROUNDS} back-to-back rounds of tokens/s ratios = ${fixed(inGraph, 2)}×`,
      pass: inGraph >= 1.5,
    },
    {
      claim: 'multiple choice with shared contexts ≤ 0.6× the positions of recomputing each context',
      measured: `${shared.positionsFed} / ${separate.positionsFed} positions fed = ${fixed(flopRatio, 3)}×`,
      pass: flopRatio <= 0.6,
    },
    {
      claim: `${SHORT_RUN_NEW_TOKENS} tokens after a ${SHORT_RUN_PROMPT}-token prompt ≥ 3× faster with the KV cache`,
      measured: `${fixed(uncached.timing.medianMs / 1000, 2)} s / ${fixed(cached.timing.medianMs / 1000, 2)} s = ${fixed(speedup)}×`,
      pass: speedup >= 3,
    },
  ]
}

describe.runIf(process.env.LMSCALE_PERF === '1' && SHORT)('lmscale performance, short', () => {
  test('lost optimisations fail: in-graph scoring, shared contexts, KV cache', async () => {
    const started = performance.now()
    const load = loadavg()[0]!
    const lines = await shortAcceptance(await ensurePerfModel(undefined, 'short'))
    print(
      `\nlmscale performance, short — ${DISABLE ? `${DISABLE} switched off, ` : ''}${cpus().length} cores, load average ${fixed(load, 2)} at start, ${fixed(loadavg()[0]!, 2)} at end`,
    )
    print(formatAcceptance(lines))
    print(`short benchmark took ${fixed((performance.now() - started) / 1000, 0)} s`)
    expect(failing(lines)).toEqual([])
  })
})

describe.runIf(process.env.LMSCALE_PERF === '1' && !SHORT)('lmscale performance', () => {
  test('the MobileLLM-125M-shaped model and the largest fixture, against the hardware and the naive method', async () => {
    const started = performance.now()
    const loadBefore = loadavg()[0]!
    const perfModel = await ensurePerfModel()
    const largest = (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-xl')!
    const mobile = await measureModel('mobilellm-125m-shaped', perfModel, { threadSweep: true })
    const fixture = await measureModel('brown-bigram-xl', largest.path, { threadSweep: false })

    // Other processes share the cores: the 1-minute load average says how far to trust this run's figures.
    print(
      `\nlmscale performance — ${new Date().toISOString()}, onnxruntime CPU (${process.arch}, ${cpus().length} cores), one process; load average ${fixed(loadBefore, 2)} at start, ${fixed(loadavg()[0]!, 2)} at end`,
    )
    for (const m of [mobile, fixture]) print(`\n${m.name}\n${formatTable(figureRows(m))}`)
    print(
      '\nacceptance (issue 18), mobilellm-125m-shaped; the MatMul ceiling (best of three shapes) is measured in each scoring round, the bandwidth around the decodes and at 1 and 2 threads (best)',
    )
    print(formatAcceptance(acceptance(mobile)))
    print('\nthe same lines on brown-bigram-xl, for reference (6 layers, d_model 192: too small to approach the ceilings)')
    print(formatAcceptance(acceptance(fixture)))
    print(`\nbenchmark took ${fixed((performance.now() - started) / 1000, 0)} s`)
    // Every acceptance line on the 125M shape must pass (the fixture's lines are for reference only).
    expect(failing(acceptance(mobile))).toEqual([])
  })
})
