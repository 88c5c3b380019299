/**
 * Loaded models shared by the cases of one worker: each loaded on first use, released after the last case
 * that needs it. The runner tells the pool how many cases each model has (planCases) and when one ends.
 */
import type { CaseExecutor, LoadedModel, LoadOptions, ModelSpec } from '../core/executor.ts'

interface Entry {
  readonly loading: Promise<LoadedModel>
  readonly executor: CaseExecutor<any, any>
  /** Loading time, ms (the one load of this model in this worker). */
  readonly loadMs: Promise<number>
  /** Work done once per loaded model and shared by its cases (its throughput). */
  readonly once: Map<string, Promise<unknown>>
}

export class ModelPool {
  private readonly entries = new Map<string, Entry>()
  private readonly remaining = new Map<string, number>()

  /** Declares cases to come per pool key (from the collected tests). */
  planCases(counts: ReadonlyMap<string, number>): void {
    for (const [key, count] of counts) this.remaining.set(key, (this.remaining.get(key) ?? 0) + count)
  }

  acquire<M extends LoadedModel>(key: string, executor: CaseExecutor<any, M>, spec: ModelSpec, options: LoadOptions): Promise<M> {
    let entry = this.entries.get(key)
    if (!entry) {
      // A failed load is kept: the other cases of that model fail with the same error instead of retrying.
      const started = performance.now()
      const loading = executor.loadModel(spec, options)
      entry = {
        loading,
        executor,
        loadMs: loading.then(
          () => performance.now() - started,
          () => Number.NaN,
        ),
        once: new Map(),
      }
      this.entries.set(key, entry)
    }
    return entry.loading as Promise<M>
  }

  /** How long the model took to load; the model must have been acquired. */
  loadMs(key: string): Promise<number> {
    return this.entry(key).loadMs
  }

  /** Runs `work` once per loaded model under `name`; later callers get the first call's promise. */
  once<T>(key: string, name: string, work: () => Promise<T>): Promise<T> {
    const { once } = this.entry(key)
    let result = once.get(name) as Promise<T> | undefined
    if (!result) once.set(name, (result = work()))
    return result
  }

  private entry(key: string): Entry {
    const entry = this.entries.get(key)
    if (!entry) throw new Error(`lmscale: no model loaded under ${key}`)
    return entry
  }

  /** One case of this model has ended; the model is released when none is left. */
  async caseFinished(key: string): Promise<void> {
    const left = (this.remaining.get(key) ?? 1) - 1
    this.remaining.set(key, left)
    if (left <= 0) await this.release(key)
  }

  async releaseAll(): Promise<void> {
    for (const key of [...this.entries.keys()]) await this.release(key)
  }

  isLoaded(key: string): boolean {
    return this.entries.has(key)
  }

  private async release(key: string): Promise<void> {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.remaining.delete(key)
    const model = await entry.loading.catch(() => undefined)
    if (model) await entry.executor.release(model)
  }
}
