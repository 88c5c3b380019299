import { expect, test } from 'vitest'
import { EXPORT_FILES } from '../forge/export-formats.ts'
import { EXPORTED_FIXTURES } from '../forge/fixture-family.ts'
import { createDefaultExecutor } from './default-executor.ts'

test.each(EXPORTED_FIXTURES)(
  'every export format of %s loads through the study API (a fixture model with a dtype) with the fp32 parameter counts',
  async name => {
    const executor = await createDefaultExecutor()
    const counts = []
    for (const dtype of ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const) {
      const loaded = await executor.loadModel({ name, source: `lmscale-fixture:${name}`, dtype }, { device: 'cpu', dtype: 'fp32', threads: undefined })
      try {
        counts.push(loaded.parameters)
        expect(Object.keys(loaded.identity!.files)).toContain(`onnx/${dtype === 'fp32' ? 'model.onnx' : EXPORT_FILES[dtype]}`)
      } finally {
        await executor.release(loaded)
      }
    }
    expect(counts.slice(1)).toEqual(counts.slice(0, -1))
  },
)
