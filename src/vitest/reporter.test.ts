import { expect, test } from 'vitest'
import { runMode } from './reporter.ts'

test('Vitest 5 under `vitest bench` (config.mode test) is recorded as benchmark mode', () => {
  expect(runMode('test', ['node', 'vitest', 'bench', '--run'])).toBe('benchmark')
  expect(runMode('test', ['node', 'vitest', 'run'])).toBe('test')
  expect(runMode('benchmark', ['node', 'x'])).toBe('benchmark')
})
