/**
 * The MobileLLM study: onnx-community's MobileLLM 125M–1.5B on WikiText-2 token perplexity and the paper's eight
 * zero-shot tasks, with the tokenizer's special-token fix, bands from the prior study and the paper
 * (src/families/mobilellm-study.ts says why each tolerance). Its own Vitest project: `npm run study:mobilellm`.
 * Environment: LMSCALE_DEVICE (cpu | cuda), LMSCALE_DTYPE, LMSCALE_LIMIT, LMSCALE_THROUGHPUT=0, LMSCALE_FIDELITY=0 (no fidelity
 * cases against the fp32 exports at quantized dtypes), LMSCALE_SHARD=i/n, and the hub's
 * HF_ENDPOINT / HF_TOKEN / HF_HUB_CACHE / HF_HUB_OFFLINE. NOT RUN by this repository's CI.
 */
import { defineStudy } from '../src/index.ts'
import { studyModelSpec } from '../src/families/hub-study.ts'
import { mobileLlmBands, mobileLlmFidelityFromEnv, mobileLlmSettingsFromEnv, mobileLlmStudyModels, mobileLlmTasks } from '../src/families/mobilellm-study.ts'

const settings = mobileLlmSettingsFromEnv()
const models = mobileLlmStudyModels(settings, mobileLlmFidelityFromEnv())

defineStudy({
  name: 'mobilellm',
  models: models.map(studyModelSpec),
  tasks: mobileLlmTasks(models),
  bands: mobileLlmBands(models, settings.dtype, settings.limit),
  // The prior study's method, and the task with reference numbers (not the 2048-token chunks).
  scaling: { task: 'wikitext2_sliding', metric: 'perplexity' },
  // The next size up: the law's loss there with a prediction interval, and each task's accuracy through its sigmoid.
  predict: [3e9],
  device: settings.device,
  dtype: settings.dtype,
  ...(settings.limit === undefined ? {} : { limit: settings.limit }),
  ...(settings.throughput ? {} : { throughput: false }),
  // The 1.5B model's hellaswag (10,042 documents × 4 endings) is hours on a CPU.
  timeout: 0,
})
