/**
 * A fidelity case of the default executor: the task's text, scored by the model and by its reference model
 * (src/models/fidelity.ts), reported as the metrics the task declares. The study's `limit` keeps the first N windows.
 */
import type { CaseRun, DataFileRecord, MetricValue, RunCaseOptions } from '../core/executor.ts'
import { dataOptionsFromEnv } from '../hub/hub-options.ts'
import { measureFidelity } from '../models/fidelity.ts'
import type { LanguageModel } from '../models/language-model.ts'
import type { FidelityTask } from '../tasks/task-types.ts'

export async function runFidelityCase(
  task: FidelityTask,
  model: LanguageModel,
  reference: LanguageModel | undefined,
  options: Pick<RunCaseOptions, 'limit' | 'taskOptions' | 'onProgress'>,
): Promise<Omit<CaseRun, 'workload'>> {
  if (!reference) throw new Error(`task ${task.name} scores a model against its reference: model ${model.id} declares no \`reference\``)
  const dataFiles: DataFileRecord[] = []
  const text = await task.loadText({ ...dataOptionsFromEnv(), onFile: file => dataFiles.push(file) })
  const { window, chunk } = { ...task.options, ...options.taskOptions } as { window: number; chunk: number }
  const result = await measureFidelity(model, reference, text, {
    window,
    chunk,
    ...(options.limit === undefined ? {} : { windows: options.limit }),
    // Both models run every token of each window; a window's last token is fed but predicts nothing.
    onWindow: (done, total, positions) => options.onProgress({ done, total, unit: 'windows', tokens: 2 * (positions + done) }),
  })
  const metrics = Object.fromEntries(
    Object.entries(task.metrics).map(([name, declared]): [string, MetricValue] => {
      const statistics = result.metrics as Readonly<Record<string, number>>
      const value = statistics[name]
      if (value === undefined) throw new Error(`task ${task.name} declares ${name}, which the fidelity measure does not compute`)
      return [name, declared.stderr === undefined ? { value } : { value, stderr: statistics[declared.stderr]! }]
    }),
  )
  return { metrics, n: result.n, taskVersion: task.version, dataFiles }
}
