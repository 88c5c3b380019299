/**
 * The cross-family study: MobileLLM, SmolLM2, Qwen2.5 and Pythia (src/families/cross-family-hub.ts says which models
 * and why) on lm-eval's wikitext, whose bits per byte report.md fits across the declared families, and the eight
 * zero-shot tasks. Its own Vitest project: `npm run study:cross-family`; `npm run plan:cross-family` first.
 * Environment as the MobileLLM study's: LMSCALE_DEVICE, LMSCALE_DTYPE, LMSCALE_LIMIT, LMSCALE_THROUGHPUT=0 and the
 * hub's HF_ENDPOINT / HF_TOKEN / HF_HUB_CACHE / HF_HUB_OFFLINE. NOT RUN by this repository's CI.
 */
import { defineStudy } from '../src/index.ts'
import { CROSS_FAMILY_MODELS, crossFamilyStudy } from '../src/families/cross-family-hub.ts'
import { hubStudySettingsFromEnv } from '../src/families/hub-study.ts'

defineStudy(crossFamilyStudy(hubStudySettingsFromEnv(CROSS_FAMILY_MODELS)))
