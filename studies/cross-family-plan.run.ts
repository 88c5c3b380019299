/**
 * Plan mode for the cross-family study, run by `npm run plan:cross-family` (vitest.cross-family.config.ts, mode
 * `plan`). It loads no model and downloads nothing; offline (HF_HUB_OFFLINE=1) it plans from the declared models.
 */
import { test } from 'vitest'
import { CROSS_FAMILY_MODELS, CROSS_FAMILY_TASKS } from '../src/families/cross-family-hub.ts'
import { formatPlan, hubStudySettingsFromEnv, planDownloads } from '../src/families/hub-study.ts'

test('cross-family study plan: every case and the files it would download', async () => {
  const settings = hubStudySettingsFromEnv(CROSS_FAMILY_MODELS)
  console.log(formatPlan(await planDownloads(settings.models, CROSS_FAMILY_TASKS, { device: settings.device, dtype: settings.dtype })))
})
