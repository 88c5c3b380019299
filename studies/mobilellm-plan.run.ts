/**
 * Plan mode for the MobileLLM study, run by `npm run plan:mobilellm` (vitest.mobilellm.config.ts, mode `plan`):
 * Node 20 cannot run TypeScript itself, so Vitest runs this file. It loads no model and downloads nothing.
 */
import { test } from 'vitest'
import { formatPlan, planDownloads } from '../src/families/hub-study.ts'
import {
  MOBILELLM_FIDELITY_TASK,
  mobileLlmFidelityFromEnv,
  mobileLlmSettingsFromEnv,
  mobileLlmStudyModels,
  mobileLlmTasks,
} from '../src/families/mobilellm-study.ts'

test('MobileLLM study plan: every case and the files it would download', async () => {
  const settings = mobileLlmSettingsFromEnv()
  const models = mobileLlmStudyModels(settings, mobileLlmFidelityFromEnv())
  const plan = await planDownloads(models, mobileLlmTasks(models), {
    device: settings.device,
    dtype: settings.dtype,
    fidelityTasks: [MOBILELLM_FIDELITY_TASK],
  })
  console.log(formatPlan(plan))
})
