/** Per-item correctness as a base64 bitset: item i is bit i % 8 (least significant first) of byte ⌊i / 8⌋. */

export function encodeBits(bits: readonly boolean[]): string {
  const bytes = new Uint8Array(Math.ceil(bits.length / 8))
  bits.forEach((bit, i) => {
    if (bit) bytes[i >> 3]! |= 1 << (i & 7)
  })
  return Buffer.from(bytes).toString('base64')
}

/** Decodes n bits; `where` names the field in the error when the text cannot hold exactly n bits. */
export function decodeBits(text: string, n: number, where: string): boolean[] {
  const bytes = Buffer.from(text, 'base64')
  if (bytes.toString('base64') !== text || bytes.length !== Math.ceil(n / 8)) {
    throw new Error(`${where}: expected a base64 bitset of ${n} items (${Math.ceil(n / 8)} bytes), got ${JSON.stringify(text.slice(0, 40))}`)
  }
  return Array.from({ length: n }, (_, i) => (bytes[i >> 3]! & (1 << (i & 7))) !== 0)
}

/** Per-item scores as base64 float32 (little-endian): 4 bytes an item, 7 significant digits, plenty for paired intervals. */
export function encodeFloats(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  values.forEach((value, i) => view.setFloat32(i * 4, value, true))
  return Buffer.from(bytes).toString('base64')
}

/** Decodes n float32 scores; `where` names the field in the error when the text cannot hold exactly n. */
export function decodeFloats(text: string, n: number, where: string): number[] {
  const bytes = Buffer.from(text, 'base64')
  if (bytes.toString('base64') !== text || bytes.length !== n * 4) {
    throw new Error(`${where}: expected base64 float32 scores of ${n} items (${n * 4} bytes), got ${JSON.stringify(text.slice(0, 40))}`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true))
}
