/**
 * A model's identity covers every file and every setting that changes its numbers: one byte of external data or
 * of tokenizer.json, or another BOS policy, is another model; an identical copy elsewhere is the same model.
 */
import { createHash } from 'node:crypto'
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { withExternalData } from '../../test-support/external-data.ts'
import { identityChanges } from '../core/identity-changes.ts'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { LanguageModel, type LanguageModelOptions } from './language-model.ts'

let external: string
beforeAll(async () => {
  const manifest = await ensureFixtureModels()
  external = await withExternalData(manifest.models.find(m => m.name === 'brown-bigram-xs')!.path)
})

async function identityOf(dir: string, options: LanguageModelOptions = {}) {
  const model = await LanguageModel.fromDirectory(dir, options)
  await model.release()
  return model.identity
}

async function copyWith(path: string, edit: (bytes: Buffer) => void): Promise<string> {
  const copy = join(await mkdtemp(join(tmpdir(), 'lmscale-identity-')), 'model')
  await cp(external, copy, { recursive: true })
  const bytes = await readFile(join(copy, path))
  edit(bytes)
  await writeFile(join(copy, path), bytes)
  return copy
}

describe('model identity', () => {
  test('records the sha256 of every model file, external data included, and the settings', async () => {
    const identity = await identityOf(external, { bos: 'tokenizer' })
    expect(Object.keys(identity.files)).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'tokenizer.json',
      'tokenizer_config.json',
    ])
    const sha = createHash('sha256')
      .update(await readFile(join(external, 'onnx', 'model.onnx_data')))
      .digest('hex')
    expect(identity.files['onnx/model.onnx_data']).toBe(sha)
    expect(identity.settings).toMatchObject({ dtype: 'fp32', bos: 'tokenizer', specialTokens: null })
    expect(identity.commit).toBeNull()
    // An identical copy at another path is the same model.
    expect((await identityOf(await copyWith('config.json', () => {}))).hash).toBe(identity.hash)
  })

  test.each([
    ['one byte of external data', 'onnx/model.onnx_data', (b: Buffer) => void (b[0]! ^= 1)],
    ['one byte of tokenizer.json', 'tokenizer.json', (b: Buffer) => void (b[b.length - 1] = b[b.length - 1] === 0x0a ? 0x20 : 0x0a)],
  ])('%s changes the identity and is named', async (_, path, edit) => {
    const before = await identityOf(external)
    const after = await identityOf(await copyWith(path, edit))
    expect(after.hash).not.toBe(before.hash)
    expect(identityChanges(before, after)).toEqual([path])
  })

  test('the BOS policy, the max length and the special-token fix change the identity', async () => {
    const base = await identityOf(external)
    const none = await identityOf(external, { bos: 'none' })
    expect(none.hash).not.toBe(base.hash)
    expect(identityChanges(base, none)).toEqual(['bos "tokenizer" → "none"'])
    const short = await identityOf(external, { maxLength: 128 })
    expect(identityChanges(base, short)).toEqual([`maxLength ${base.settings.maxLength} → 128`])
    const fixed = await identityOf(external, { specialTokens: { eos: '</s>' } })
    expect(identityChanges(base, fixed)).toEqual(['specialTokens null → {"eos":"</s>"}'])
  })
})
