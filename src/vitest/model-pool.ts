/**
 * Loaded models shared by the cases of one worker: each loaded on first use, released after the last case
 * that needs it. The runner tells the pool how many cases each model has (planCases) and when one ends.
 */
import type { CaseExecutor, LoadedModel, LoadOptions, ModelSpec } from '../core/executor.ts'

interface Entry {
  readonly loading: Promise<LoadedModel>
  readonly executor: CaseExecutor<any, any>
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
      entry = { loading: executor.loadModel(spec, options), executor }
      this.entries.set(key, entry)
    }
    return entry.loading as Promise<M>
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
