// Seeded pseudo-random numbers so bootstraps and simulations are repeatable run to run.

export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number
  /** Standard normal. */
  normal(): number
  /** Integer in [0, n). */
  integer(n: number): number
}

/** mulberry32 (32-bit state, full period 2^32), plenty for bootstraps of a few thousand draws. */
export function seededRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new Error(`seededRandom: seed must be an integer (got ${seed})`)
  let state = seed >>> 0
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296
  }
  let spare: number | null = null
  // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
  const normal = (): number => {
    if (spare !== null) {
      const value = spare
      spare = null
      return value
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()))
    const angle = 2 * Math.PI * uniform()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
  return { uniform, normal, integer: n => Math.floor(uniform() * n) }
}
