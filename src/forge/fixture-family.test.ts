import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { AutoModelForCausalLM, AutoTokenizer, Tensor } from '@huggingface/transformers'
import { beforeAll, describe, expect, test } from 'vitest'
import { closedFormLogLikelihood } from './bigram-model.ts'
import { documentText, loadBrownCorpus } from '../data/brown-corpus.ts'
import { ensureFixtureModels, FIXTURE_MODELS, GPT_NEOX_FIXTURE_MODELS, type FixtureManifest } from './fixture-family.ts'
import { BIGRAM_FIXTURES } from '../../test-support/bigram-fixtures.ts'
import { readSafetensors } from './safetensors.ts'
import { logSoftmax } from '../onnx/tensor-math.ts'

let manifest: FixtureManifest
const heldOut = loadBrownCorpus().heldOut.map(documentText)
beforeAll(async () => {
  manifest = await ensureFixtureModels()
})

const pathOf = (name: string) => manifest.models.find(m => m.name === name)!.path

describe.each(BIGRAM_FIXTURES.map(fixture => [fixture.name, fixture] as const))('%s', (name, fixture) => {
  test('onnxruntime log-likelihood of held-out text equals the closed form within 1e-5 relative', async () => {
    const dir = pathOf(name)
    const weights = await readSafetensors(join(dir, 'model.safetensors'))
    const table = fixture.table(weights)
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true })
    const model = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', device: 'cpu', local_files_only: true })
    let viaOnnx = 0
    let closedForm = 0
    for (const text of heldOut.slice(0, 3)) {
      const tokens = tokenizer.encode(text).slice(0, 1024)
      const ids = new Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, tokens.length])
      const mask = new Tensor('int64', BigInt64Array.from(tokens.map(() => 1n)), [1, tokens.length])
      const logits = (await model({ input_ids: ids, attention_mask: mask })).logits.data as Float32Array
      const V = fixture.vocabSize
      for (let t = 0; t + 1 < tokens.length; t++) viaOnnx += logSoftmax(logits.subarray(t * V, (t + 1) * V))[tokens[t + 1]!]!
      closedForm += closedFormLogLikelihood(table, V, tokens)
    }
    expect(Math.abs(viaOnnx - closedForm) / Math.abs(closedForm)).toBeLessThan(1e-5)
  })
})

test.each(['brown-bigram', 'brown-neox'])('%s: held-out perplexity strictly decreases as the parameter count grows', async familyName => {
  const members = BIGRAM_FIXTURES.filter(f => f.family === familyName)
  const tokenizer = await AutoTokenizer.from_pretrained(pathOf(members[0]!.name), { local_files_only: true })
  const streams = heldOut.map(text => tokenizer.encode(text))
  const predicted = streams.reduce((n, s) => n + s.length - 1, 0)
  const family = []
  for (const spec of members) {
    const weights = await readSafetensors(join(pathOf(spec.name), 'model.safetensors'))
    const table = spec.table(weights)
    const logLikelihood = streams.reduce((sum, s) => sum + closedFormLogLikelihood(table, spec.vocabSize, s), 0)
    const params = Object.values(weights).reduce((n, w) => n + w.data.length, 0)
    family.push({ name: spec.name, params, perplexity: Math.exp(-logLikelihood / predicted) })
  }
  family.sort((a, b) => a.params - b.params)
  expect(family.at(-1)!.params / family[0]!.params).toBeGreaterThan(familyName === 'brown-bigram' ? 30 : 20)
  for (let i = 1; i < family.length; i++) expect(family[i]!.perplexity).toBeLessThan(family[i - 1]!.perplexity)
})

test('the family is forged deterministically: a second forge writes identical files', async () => {
  const again = await ensureFixtureModels(await mkdtemp(join(tmpdir(), 'lmscale-fixtures-')))
  const digest = async (dir: string) => {
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter(e => e.isFile())
    const entries = await Promise.all(
      files.map(async f => [
        relative(dir, join(f.parentPath, f.name)),
        createHash('sha256')
          .update(await readFile(join(f.parentPath, f.name)))
          .digest('hex'),
      ]),
    )
    return Object.fromEntries(entries.sort())
  }
  for (const spec of [...FIXTURE_MODELS, ...GPT_NEOX_FIXTURE_MODELS]) {
    expect(await digest(again.models.find(m => m.name === spec.name)!.path)).toEqual(await digest(pathOf(spec.name)))
  }
}, 900_000) // a hang guard: forging takes 35 s on an idle 2-core machine and over 3 min when it is shared
