/**
 * The GPU workflow example and the README's "CI on a GPU runner" agree, and its shards each have work: the matrix's
 * shard count is the one LMSCALE_SHARD divides by, every shard gets at least one model, and together they run all.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { hubStudySettingsFromEnv } from '../../src/families/hub-study.ts'
import { MOBILELLM_MODELS } from '../../src/families/mobilellm.ts'
import { repositoryRoot } from '../../test-support/package/pack.ts'

const workflow = readFileSync(join(repositoryRoot, '.github/workflows/lmscale-gpu.yml'), 'utf8')
const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8')

test('each shard of the GPU workflow runs a share of the MobileLLM models, and all shards run them all', () => {
  const shards = /matrix:\s*\n\s*shard: \[([\d, ]+)\]/.exec(workflow)![1]!.split(',').map(Number)
  expect(workflow).toContain(`LMSCALE_SHARD: \${{ matrix.shard }}/${shards.length}`)
  expect(workflow).toContain('npx vitest bench --run --config vitest.mobilellm.config.ts\n')
  expect(workflow).not.toContain('--pass-with-no-tests')
  const perShard = shards.map(i => hubStudySettingsFromEnv(MOBILELLM_MODELS, { LMSCALE_SHARD: `${i}/${shards.length}` }).models.map(m => m.name))
  for (const models of perShard) expect(models.length).toBeGreaterThan(0)
  expect(perShard.flat().sort()).toEqual(MOBILELLM_MODELS.map(m => m.name).sort())
  // The workflow's comment and the README say which models each shard runs.
  expect(perShard).toEqual([
    ['MobileLLM-350M', 'MobileLLM-1.5B'],
    ['MobileLLM-125M', 'MobileLLM-600M', 'MobileLLM-1B'],
  ])
  expect(workflow).toContain('shard 1 runs MobileLLM-350M and\n# 1.5B, shard 2 runs 125M, 600M and 1B.')
  expect(readme).toContain('shard 1/2 runs 350M and 1.5B, shard 2/2 runs 125M, 600M and 1B')
  expect(readme).toContain(`two-shard matrix (\`LMSCALE_SHARD=i/${shards.length}\``)
})
