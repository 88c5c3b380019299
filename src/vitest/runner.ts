/**
 * lmscale's runner for both `vitest run` and `vitest bench`: Vitest's TestRunner
 * plus a model pool, so each model is loaded once per worker and released after its last case.
 */
import { TestRunner } from 'vitest'
import type { RunnerTask, RunnerTestFile, RunnerTestSuite, SerializedConfig } from 'vitest'
import { hostStamp } from './environment.ts'
import type { HostStamp } from './environment.ts'
import { ModelPool } from './model-pool.ts'
import { resolveLmscaleOptions } from './options.ts'
import type { ResolvedLmscaleOptions } from './options.ts'
import type { ProgressStyle } from './progress.ts'
import { installRuntime } from './runtime.ts'
import { StudyClaims } from './study-claims.ts'
import './types.ts'

function casesToRun(tasks: readonly RunnerTask[], counts: Map<string, number>): void {
  for (const task of tasks) {
    if (task.type === 'suite') casesToRun((task as RunnerTestSuite).tasks, counts)
    else if (task.type === 'test' && task.mode === 'run' && task.meta.lmscale) {
      const { poolKey, reference } = task.meta.lmscale
      for (const key of reference ? [poolKey, reference.poolKey] : [poolKey]) counts.set(key, (counts.get(key) ?? 0) + 1)
    }
  }
}

export class LmscaleRunner extends TestRunner {
  private readonly modelPool = new ModelPool()
  private readonly claims: StudyClaims

  constructor(config: SerializedConfig) {
    super(config)
    let host: HostStamp | undefined
    let options: ResolvedLmscaleOptions | undefined
    this.claims = new StudyClaims(this.injectValue('lmscaleClaims') as string | undefined, config.root)
    installRuntime({
      claims: this.claims,
      pool: this.modelPool,
      root: config.root,
      host: () => (host ??= hostStamp(config.root)),
      // The plugin provides the resolved options; without it, the defaults.
      options: () => (options ??= (this.injectValue('lmscale') as ResolvedLmscaleOptions | undefined) ?? resolveLmscaleOptions({})),
      progressStyle: () => (this.injectValue('lmscaleProgress') as ProgressStyle | undefined) ?? 'plain',
    })
  }

  // @vitest/runner calls this hook before collecting each file; the base class may not define it in every major.
  override onCollectStart(file: RunnerTestFile): void {
    super.onCollectStart?.(file)
    this.claims.collecting(file.filepath)
  }

  onCollected(files: RunnerTestFile[]): void {
    const counts = new Map<string, number>()
    casesToRun(files, counts)
    this.modelPool.planCases(counts)
  }

  override async onAfterRunTask(test: RunnerTask): Promise<void> {
    super.onAfterRunTask(test)
    if (test.type === 'test' && test.meta.lmscale) {
      const { poolKey, reference } = test.meta.lmscale
      await this.modelPool.caseFinished(poolKey)
      if (reference) await this.modelPool.caseFinished(reference.poolKey)
    }
  }

  override async onAfterRunFiles(files?: RunnerTestFile[]): Promise<void> {
    await this.modelPool.releaseAll()
    // 4.1 declares this hook without parameters, 5 with the files: Reflect.apply type-checks on both.
    Reflect.apply(super.onAfterRunFiles, this, [files])
  }
}

export default function createLmscaleRunner(config: SerializedConfig): LmscaleRunner {
  return new LmscaleRunner(config)
}
