import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { readSafetensors, writeSafetensors } from './safetensors.ts'

test('float32 tensors round-trip', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'lmscale-st-')), 'w.safetensors')
  const weights = { 'a.weight': { data: Float32Array.from([1.5, -2, 3.25, 0]), shape: [2, 2] }, b: { data: Float32Array.from([7]), shape: [1] } }
  await writeSafetensors(path, weights)
  const back = await readSafetensors(path)
  expect(back['a.weight']).toEqual({ data: weights['a.weight'].data, shape: [2, 2] })
  expect(back.b!.data[0]).toBe(7)
})

test('F16 and BF16 tensors are widened to float32 (hand-built file, known bit patterns)', async () => {
  const header = JSON.stringify({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] } })
  const body = Buffer.alloc(10)
  ;[0x3c00, 0xc000, 0x7bff].forEach((bits, i) => body.writeUInt16LE(bits, 2 * i)) // 1, -2, 65504
  ;[0x3f80, 0xc040].forEach((bits, i) => body.writeUInt16LE(bits, 6 + 2 * i)) // 1, -3
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(header.length))
  const path = join(await mkdtemp(join(tmpdir(), 'lmscale-st-')), 'h.safetensors')
  await writeFile(path, Buffer.concat([length, Buffer.from(header), body]))
  const back = await readSafetensors(path)
  expect(Array.from(back.h!.data)).toEqual([1, -2, 65504])
  expect(Array.from(back.b!.data)).toEqual([1, -3])
})

test('an unsupported dtype names the file and the tensor', async () => {
  const header = JSON.stringify({ q: { dtype: 'I8', shape: [1], data_offsets: [0, 1] } })
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(header.length))
  const path = join(await mkdtemp(join(tmpdir(), 'lmscale-st-')), 'q.safetensors')
  await writeFile(path, Buffer.concat([length, Buffer.from(header), Buffer.alloc(1)]))
  await expect(readSafetensors(path)).rejects.toThrow(/q\.safetensors: tensor q: dtype I8 is not supported/)
})
