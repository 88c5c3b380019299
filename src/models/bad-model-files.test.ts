/**
 * Bad model files as users meet them (a truncated download, a hand-edited config, a broken tokenizer, CUDA asked
 * for where it is not installed): each error names the file and says what to do, with the original as `cause`.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { CUDA_INSTALL_HINT, ExecutionProviderError } from '../onnx/session.ts'
import { LanguageModel } from './language-model.ts'

const copies: string[] = []
let source: string
beforeAll(async () => {
  source = (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-xs')!.path
})
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the smallest fixture model with `damage` done to it. */
function damagedCopy(damage: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'lmscale-bad-model-'))
  copies.push(dir)
  cpSync(source, dir, { recursive: true })
  damage(dir)
  return dir
}

async function loadError(dir: string, options: Parameters<typeof LanguageModel.fromDirectory>[1] = {}): Promise<Error> {
  return LanguageModel.fromDirectory(dir, options).then(
    model => {
      model.release()
      return expect.fail('the model should not load')
    },
    (error: unknown) => error as Error,
  )
}

describe('bad input: model files', () => {
  test('bad input: a truncated onnx/model.onnx names the file and its size, not protobufjs', async () => {
    const dir = damagedCopy(d => truncateSync(join(d, 'onnx', 'model.onnx'), 1000))
    const error = await loadError(dir)
    expect(error.message).toMatch(
      new RegExp(
        `^${join(dir, 'onnx', 'model.onnx').replaceAll('/', '\\/')} \\(1000 bytes\\) is not a readable ONNX model \\(index out of range: .+\\); is it truncated\\? Re-download or re-export it$`,
      ),
    )
    expect(error.cause).toBeInstanceOf(RangeError)
  })

  test('bad input: an invalid config.json names the file', async () => {
    const dir = damagedCopy(d => writeFileSync(join(d, 'config.json'), '{ "hidden_size": 64, '))
    const error = await loadError(dir)
    expect(error.message).toMatch(
      new RegExp(`^${join(dir, 'config.json').replaceAll('/', '\\/')} is not valid JSON \\(.+\\); re-download or re-export the model$`),
    )
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })

  test('bad input: a config.json that is not an object names the file', async () => {
    const dir = damagedCopy(d => writeFileSync(join(d, 'config.json'), '[1, 2]'))
    expect((await loadError(dir)).message).toBe(`${join(dir, 'config.json')} is not a JSON object`)
  })

  test('bad input: a broken tokenizer.json names the model directory and the tokenizer files', async () => {
    const dir = damagedCopy(d => writeFileSync(join(d, 'tokenizer.json'), readFileSync(join(d, 'tokenizer.json'), 'utf8').slice(0, 200)))
    const error = await loadError(dir)
    expect(error.message).toMatch(
      new RegExp(`^${dir.replaceAll('/', '\\/')}: transformers\\.js cannot read the tokenizer \\(tokenizer\\.json, tokenizer_config\\.json\\): `),
    )
    expect(error.cause).toBeInstanceOf(Error)
  })

  test('bad input: a special-token fix naming a token outside the vocabulary names the key and the token', async () => {
    const error = await loadError(source, { specialTokens: { bos: '<no-such-token>' } })
    expect(error.message).toBe(`special token fix: bos = "<no-such-token>" is not in the tokenizer's vocabulary`)
  })

  // Where onnxruntime-node was installed with its CUDA libraries, CUDA may well load: nothing to check there.
  const ortBinaries = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
  test.skipIf(existsSync(join(ortBinaries, 'libonnxruntime_providers_cuda.so')))(
    "bad input: device 'cuda' without the CUDA provider says how to install it (ONNXRUNTIME_NODE_INSTALL=cuda12, the README's GPU section)",
    async () => {
      const error = await loadError(source, { device: 'cuda' })
      expect(error).toBeInstanceOf(ExecutionProviderError)
      expect(error.message).toMatch(/^\/\S+\.onnx: the CUDA execution provider could not start \(/)
      expect(error.message).toContain(CUDA_INSTALL_HINT)
      expect(error.message).toContain(
        `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci; CUDA 12 and cuDNN 9 must be on the loader path, see the README's "Run the MobileLLM study on a GPU"`,
      )
      expect(error.message).not.toContain('\u001b')
      expect(String((error.cause as Error).message)).toContain('Failed to load shared library')
    },
  )
})
