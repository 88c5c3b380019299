import { expect, test } from 'vitest'
import { caseRecordSchema, type CaseRecord } from './schema.ts'

const record = (environmentThreads: number | null, scoringThreads: number): CaseRecord =>
  ({
    study: 's',
    model: { name: 'm', source: '/m', revision: null, hash: 'h', parameters: { total: 1, embedding: 0, nonEmbedding: 1 } },
    task: { name: 't', version: '1', kind: 'multiple_choice', chance: null, metrics: {} },
    options: { device: 'cpu', dtype: 'fp32', threads: null, limit: null },
    optionsHash: 'o',
    n: 1,
    metrics: {},
    throughput: { threads: { scoring: scoringThreads, decode: 1 } },
    resources: { peakRssBytes: 1, gpuMemoryBytes: null },
    timing: { evaluateMs: 1, throughputMs: 1, caseMs: 1 },
    environment: {
      node: 'v20',
      platform: 'linux',
      arch: 'x64',
      onnxruntime: '1',
      executionProvider: 'cpu',
      cpu: 'c',
      cpuCount: 2,
      gpu: null,
      threads: environmentThreads,
      lmscale: '0',
      vitest: null,
      gitCommit: null,
    },
    finishedAt: '',
  }) as CaseRecord

test('environment.threads and throughput.threads.scoring are one truth: the threads the scoring session ran with', () => {
  expect(caseRecordSchema.safeParse(record(2, 2)).success).toBe(true)
  // An executor that does not report its threads records null.
  expect(caseRecordSchema.safeParse(record(null, 2)).success).toBe(true)
  const requestedNotRun = caseRecordSchema.safeParse(record(4, 2))
  expect(requestedNotRun.success).toBe(false)
  expect(requestedNotRun.error!.issues[0]).toMatchObject({
    path: ['environment', 'threads'],
    message: 'environment.threads must equal throughput.threads.scoring: both record the threads the scoring session ran with',
  })
})
