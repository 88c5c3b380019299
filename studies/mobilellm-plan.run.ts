/**
 * Plan mode for the MobileLLM study, run by `npm run plan:mobilellm` (vitest.mobilellm.config.ts, mode `plan`):
 * Node 20 cannot run TypeScript itself, so Vitest runs this file. It loads no model and downloads nothing.
 */
import { test } from 'vitest'
import { formatPlan, planDownloads } from '../src/families/hub-study.ts'
import { MOBILELLM_TASKS, mobileLlmSettingsFromEnv } from '../src/families/mobilellm-study.ts'

test('MobileLLM study plan: every case and the files it would download', async () => {
  const settings = mobileLlmSettingsFromEnv()
  const plan = await planDownloads(settings.models, MOBILELLM_TASKS, { device: settings.device, dtype: settings.dtype })
  console.log(formatPlan(plan))
})
