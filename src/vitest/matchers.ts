/** Setup file (wired by the plugin): lmscale's matchers. Their types are in types.ts. */
import { expect } from 'vitest'
import type { Band } from '../core/schema.ts'
import { formatBand, isWithinBand } from '../core/bands.ts'
import './types.ts'

expect.extend({
  toBeWithinBand(received: unknown, band: Band) {
    const pass = typeof received === 'number' && isWithinBand(received, band)
    return {
      pass,
      message: () => `expected ${this.utils.printReceived(received)} ${this.isNot ? 'not ' : ''}to be within band ${formatBand(band)}`,
      actual: received,
      expected: formatBand(band),
    }
  },
  toBeWithinRelative(received: unknown, expected: number, relative: number) {
    const pass = typeof received === 'number' && isWithinBand(received, { near: expected, relative })
    return {
      pass,
      message: () => `expected ${this.utils.printReceived(received)} ${this.isNot ? 'not ' : ''}to be within ${relative * 100}% of ${expected}`,
      actual: received,
      expected: `${expected} ± ${relative * 100}%`,
    }
  },
})
