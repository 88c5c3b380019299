/** lmscale's matchers as `expect` sees them (declared for both Vitest majors in matcher-types.d.ts). */
import type { Band } from '../core/schema.ts'

export interface LmscaleMatchers<R = unknown> {
  /** The received number lies within the band (bounds inclusive); NaN never does. */
  toBeWithinBand: (band: Band) => R
  /** |received − expected| ≤ relative · |expected|. */
  toBeWithinRelative: (expected: number, relative: number) => R
}
