/**
 * A `cuda` request on a machine without onnxruntime's CUDA provider (this one: the CUDA build is never
 * installed here) fails with the install hint; with allowFallback it runs on CPU and says so.
 */
import { describe, expect, test } from 'vitest'
import { ensureFixtureModels } from '../forge/fixture-family.ts'
import { CUDA_INSTALL_HINT, ExecutionProviderError } from '../onnx/session.ts'
import { createDefaultExecutor, FIXTURE_SOURCE_PREFIX } from './default-executor.ts'
import { LanguageModel } from '../models/language-model.ts'

const fixtureDir = async () => (await ensureFixtureModels()).models.find(m => m.name === 'brown-bigram-xs')!.path

describe('execution providers: what ran, never a silent fallback', () => {
  test('cuda without the CUDA provider fails with the install hint', async () => {
    const load = LanguageModel.fromDirectory(await fixtureDir(), { device: 'cuda' })
    await expect(load).rejects.toBeInstanceOf(ExecutionProviderError)
    await expect(load).rejects.toThrow(CUDA_INSTALL_HINT)
    await expect(load).rejects.toThrow('ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci')
  })

  test('allowFallback runs on CPU and records the fallback; cpu runs on cpu', async () => {
    const model = await LanguageModel.fromDirectory(await fixtureDir(), { device: 'cuda', allowFallback: true })
    expect(model.executionProvider).toBe('cpu')
    expect(model.providerFallback).toMatch(/^cuda requested, CPU ran: /)
    await model.release()
    const cpu = await LanguageModel.fromDirectory(await fixtureDir(), { device: 'cpu' })
    expect(cpu.executionProvider).toBe('cpu')
    expect(cpu.providerFallback).toBeUndefined()
    await cpu.release()
  })

  test('the default executor reports the provider that ran, and fails a cuda load without fallback', async () => {
    const executor = await createDefaultExecutor()
    const spec = { name: 'xs', source: `${FIXTURE_SOURCE_PREFIX}brown-bigram-xs` }
    await expect(executor.loadModel(spec, { device: 'cuda', dtype: 'fp32', threads: undefined })).rejects.toThrow(CUDA_INSTALL_HINT)
    const loaded = await executor.loadModel(spec, { device: 'cuda', dtype: 'fp32', threads: undefined, allowFallback: true })
    expect(loaded.executionProvider).toBe('cpu')
    expect(loaded.providerFallback).toMatch(/^cuda requested, CPU ran/)
    await executor.release(loaded)
  })
})
