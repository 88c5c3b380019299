/**
 * What a downloaded file must look like before it is cached, judged by its extension: a Parquet file starts and
 * ends with `PAR1`, JSON parses, every JSON Lines line parses. A server that answers 200 with an HTML page (a
 * proxy, a login wall, a mirror's error page) fails here instead of poisoning the cache.
 */
import { open, readFile } from 'node:fs/promises'

const PARQUET_MAGIC = 'PAR1'

/** Why the file is not what its name says, or undefined when it is (or its kind is not checked). */
export async function contentProblem(path: string, name: string): Promise<string | undefined> {
  const lower = name.toLowerCase()
  if (lower.endsWith('.parquet')) return parquetProblem(path)
  if (lower.endsWith('.json')) return jsonProblem(await readFile(path, 'utf8'))
  if (lower.endsWith('.jsonl')) {
    const lines = (await readFile(path, 'utf8')).split('\n')
    for (const [index, line] of lines.entries()) {
      const problem = line.trim() ? jsonProblem(line) : undefined
      if (problem) return `line ${index + 1} ${problem}`
    }
  }
  return undefined
}

function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text)
    return undefined
  } catch (error) {
    return `is not JSON (${(error as Error).message}); it starts with ${preview(Buffer.from(text.slice(0, 64)))}`
  }
}

async function parquetProblem(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const head = Buffer.alloc(Math.min(64, size))
    await handle.read(head, 0, head.length, 0)
    const tail = Buffer.alloc(Math.min(4, size))
    await handle.read(tail, 0, tail.length, size - tail.length)
    if (size >= 8 && head.subarray(0, 4).toString('latin1') === PARQUET_MAGIC && tail.toString('latin1') === PARQUET_MAGIC) return undefined
    return `is not a Parquet file (no PAR1 magic at both ends; ${size} bytes starting with ${preview(head)})`
  } finally {
    await handle.close()
  }
}

/** The first bytes as text, so an HTML error page is recognisable in the message. */
function preview(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('utf8').replace(/\s+/g, ' ').slice(0, 48))
}
