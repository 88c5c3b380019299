import { describe, expect, test } from 'vitest'
import { parseNvidiaSmiMemory, peakRssBytes } from './resources.ts'

describe('resources', () => {
  test("nvidia-smi's MiB figures are summed over GPUs into bytes", () => {
    expect(parseNvidiaSmiMemory('1024\n')).toBe(1024 * 1024 * 1024)
    expect(parseNvidiaSmiMemory(' 512\n 256 \n')).toBe(768 * 1024 * 1024)
  })

  test('unexpected nvidia-smi output is an error, never a NaN', () => {
    expect(() => parseNvidiaSmiMemory('[N/A]\n')).toThrow(/unexpected memory figure: "\[N\/A\]"/)
    expect(() => parseNvidiaSmiMemory('\n')).toThrow(/no memory figures/)
  })

  test('peak RSS is at least the current RSS and grows with a large allocation', () => {
    expect(peakRssBytes()).toBeGreaterThanOrEqual(process.memoryUsage().rss * 0.99)
    const before = peakRssBytes()
    const block = Buffer.alloc(before + 64 * 1024 * 1024, 1)
    expect(peakRssBytes()).toBeGreaterThan(before)
    expect(block[0]).toBe(1)
  })
})
