import { describe, expect, test } from 'vitest'
import type { CaseExecutor, LoadedModel, ModelSpec } from '../core/executor.ts'
import { ModelPool } from './model-pool.ts'

function recordingExecutor(events: string[], failLoad = false): CaseExecutor {
  return {
    tasks: {},
    async loadModel(spec: ModelSpec) {
      events.push(`load ${spec.name}`)
      if (failLoad) throw new Error(`cannot load ${spec.name}`)
      return { hash: spec.name, executionProvider: 'cpu', parameters: { total: 1, embedding: 0, nonEmbedding: 1 } }
    },
    runCase: async () => ({ metrics: {}, n: 0, taskVersion: '1' }),
    release(model: LoadedModel) {
      events.push(`release ${model.hash}`)
    },
  }
}

const load = { device: 'cpu', dtype: 'fp32', threads: undefined } as const

describe('ModelPool', () => {
  test('loads a model once for all its cases and releases it after the last', async () => {
    const events: string[] = []
    const executor = recordingExecutor(events)
    const pool = new ModelPool()
    pool.planCases(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    )
    const a1 = await pool.acquire('a', executor, { name: 'a', source: 'a' }, load)
    const a2 = await pool.acquire('a', executor, { name: 'a', source: 'a' }, load)
    expect(a2).toBe(a1)
    await pool.caseFinished('a')
    expect(pool.isLoaded('a')).toBe(true)
    await pool.acquire('b', executor, { name: 'b', source: 'b' }, load)
    await pool.caseFinished('a')
    expect(pool.isLoaded('a')).toBe(false)
    expect(events).toEqual(['load a', 'load b', 'release a'])
    await pool.releaseAll()
    expect(events).toEqual(['load a', 'load b', 'release a', 'release b'])
  })

  test('a failed load fails every case of that model with the same error, without retrying', async () => {
    const events: string[] = []
    const executor = recordingExecutor(events, true)
    const pool = new ModelPool()
    pool.planCases(new Map([['x', 2]]))
    await expect(pool.acquire('x', executor, { name: 'x', source: 'x' }, load)).rejects.toThrow('cannot load x')
    await expect(pool.acquire('x', executor, { name: 'x', source: 'x' }, load)).rejects.toThrow('cannot load x')
    expect(events).toEqual(['load x'])
    await pool.caseFinished('x')
    await pool.caseFinished('x')
    expect(events).toEqual(['load x'])
  })
})
