/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header, raw little-endian data).
 * Forged weights are saved in it so Hugging Face transformers can load the same model for cross-checks,
 * and real checkpoints converted to LLaMA naming can be read back into the forge.
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { DecoderWeights, WeightTensor } from './architecture.ts'
import { halfToFloat } from '../onnx/tensor-math.ts'

export async function writeSafetensors(path: string, weights: DecoderWeights): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } }
  let offset = 0
  const names = Object.keys(weights).sort()
  for (const name of names) {
    const { data, shape } = weights[name]!
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] }
    offset += data.byteLength
  }
  let headerText = JSON.stringify(header)
  headerText += ' '.repeat((8 - (headerText.length % 8)) % 8) // keeps tensor data 8-byte aligned
  const headerBytes = new TextEncoder().encode(headerText)
  const out = new Uint8Array(8 + headerBytes.length + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true)
  out.set(headerBytes, 8)
  let position = 8 + headerBytes.length
  for (const name of names) {
    const { data } = weights[name]!
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position)
    position += data.byteLength
  }
  await writeFile(path, out)
}

/** Reads F32, F16 and BF16 tensors as float32. */
export async function readSafetensors(path: string): Promise<DecoderWeights> {
  const bytes = await readFile(path)
  if (bytes.length < 8) throw new Error(`${path}: too short to be a safetensors file`)
  const headerLength = Number(bytes.readBigUInt64LE(0))
  if (8 + headerLength > bytes.length) throw new Error(`${path}: header length ${headerLength} runs past the end of the file`)
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>
  const base = 8 + headerLength
  const weights: Record<string, WeightTensor> = {}
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue
    const {
      dtype,
      shape,
      data_offsets: [start, end],
    } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] }
    const raw = bytes.subarray(base + start, base + end)
    weights[name] = { data: toFloat32(raw, dtype, `${path}: tensor ${name}`), shape }
  }
  return weights
}

function toFloat32(raw: Uint8Array, dtype: string, where: string): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  switch (dtype) {
    case 'F32':
      return Float32Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(4 * i, true))
    case 'F16':
      return Float32Array.from({ length: raw.length / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)))
    case 'BF16':
      return Float32Array.from({ length: raw.length / 2 }, (_, i) => {
        const word = new DataView(new ArrayBuffer(4))
        word.setUint32(0, view.getUint16(2 * i, true) << 16)
        return word.getFloat32(0)
      })
    default:
      throw new Error(`${where}: dtype ${dtype} is not supported (F32, F16, BF16)`)
  }
}
