/** sha256 of a file's bytes, streamed: model weights can be gigabytes. */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

export async function fileSha256(path: string): Promise<string> {
  const digest = createHash('sha256')
  for await (const chunk of createReadStream(path)) digest.update(chunk as Buffer)
  return digest.digest('hex')
}
