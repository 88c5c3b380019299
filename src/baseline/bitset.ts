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
