/** float32 → IEEE 754 half precision, rounded to nearest with ties to even (numpy's astype(float16)). */

const scratch = new DataView(new ArrayBuffer(4))

/** The fp16 bits of the number nearest `value` (via its float32 value); overflow gives ±infinity. */
export function floatToHalf(value: number): number {
  scratch.setFloat32(0, value)
  const bits = scratch.getUint32(0)
  const sign = (bits >>> 16) & 0x8000
  const exponent = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const unbiased = exponent - 127
  if (unbiased > 15) return sign | 0x7c00
  if (unbiased >= -14) {
    // Normal half: keep 10 mantissa bits, round the dropped 13 to nearest even (a carry may bump the exponent).
    const half = ((unbiased + 15) << 10) | (mantissa >>> 13)
    return sign | (half + roundingCarry(mantissa, 13))
  }
  if (unbiased < -25) return sign
  // Subnormal half: the implicit leading one joins the mantissa, shifted right past the smallest exponent.
  const full = mantissa | 0x800000
  const shift = -1 - unbiased
  return sign | ((full >>> shift) + roundingCarry(full, shift))
}

/** 1 when the `dropped` low bits of `bits` round the kept part up (to nearest, ties to even). */
function roundingCarry(bits: number, dropped: number): number {
  const rest = bits & ((1 << dropped) - 1)
  const halfway = 1 << (dropped - 1)
  if (rest > halfway) return 1
  if (rest < halfway) return 0
  return (bits >>> dropped) & 1
}

/** A Float32Array's values as fp16 bits. */
export function floatsToHalves(values: Float32Array): Uint16Array {
  return Uint16Array.from(values, floatToHalf)
}
