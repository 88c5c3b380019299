import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { repositoryRoot } from '../../test-support/package/pack.ts'
import { projectTemplate } from '../../test-support/package/scratch-project.ts'

const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8')
const heading = '## Use lmscale in your own repository'
const start = readme.indexOf(heading)
const next = readme.indexOf('\n## ', start + heading.length)
const section = start < 0 ? '' : readme.slice(start, next < 0 ? undefined : next)
const template = (path: string) => readFileSync(join(projectTemplate, path), 'utf8')

describe(`README "${heading.slice(3)}"`, () => {
  test('exists', () => {
    expect(readme).toContain(`\n${heading}\n`)
  })

  // tests/package/tarball.test.ts runs these very files; the README must show them byte for byte.
  test.each([
    ['.npmrc', 'ini'],
    ['vitest.config.ts', 'ts'],
    ['benchmarks/brown.bench.ts', 'ts'],
  ])('shows %s exactly as the package test runs it', (path, language) => {
    expect(section).toContain(`\`\`\`${language}\n${template(path)}\`\`\``)
  })

  test('gives the install command with vitest beside lmscale', () => {
    expect(section).toContain('```sh\nnpm i -D lmscale vitest\n```')
  })
})
