/**
 * Where dataset files come from, resolved once from the environment with Hugging Face's conventions:
 * HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE / HF_HOME / XDG_CACHE_HOME, HF_HUB_OFFLINE; plus LMSCALE_DATA_DIR,
 * a local folder holding `<repo>/<path>` for air-gapped CI.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { DataFileRecord } from '../core/executor.ts'
import { DEFAULT_HUB_ENDPOINT } from './hub-file.ts'
import { DEFAULT_DOWNLOAD_POLICY, type DownloadPolicy } from './download-policy.ts'

export interface DataOptions {
  readonly endpoint: string
  /** Sent as `Authorization: Bearer …`; never logged or put into errors. */
  readonly token: string | undefined
  /** The hub cache root (the folder holding `datasets--owner--name`). */
  readonly cacheDir: string
  /** Never touch the network: only the cache or the local directory. */
  readonly offline: boolean
  /** When set, files are read from `<localDir>/<repo>/<path>` and nowhere else. */
  readonly localDir: string | undefined
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch: typeof fetch
  /** Timeouts and retries of downloads. */
  readonly download: DownloadPolicy
  /** Told of every dataset file read, with its commit and sha256, so results can record their provenance. */
  readonly onFile?: (file: DataFileRecord) => void
}

type Env = Readonly<Record<string, string | undefined>>

const TRUTHY = new Set(['1', 'true', 'yes', 'on'])

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

/** HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(env: Env): string {
  const hubCache = nonEmpty(env.HF_HUB_CACHE)
  if (hubCache) return hubCache
  const hfHome = nonEmpty(env.HF_HOME)
  if (hfHome) return join(hfHome, 'hub')
  return join(nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache'), 'huggingface', 'hub')
}

export function dataOptionsFromEnv(env: Env = process.env, overrides: Partial<DataOptions> = {}): DataOptions {
  return {
    endpoint: nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HUB_ENDPOINT,
    token: nonEmpty(env.HF_TOKEN),
    cacheDir: hubCacheDir(env),
    offline: TRUTHY.has((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase()),
    localDir: nonEmpty(env.LMSCALE_DATA_DIR),
    fetch: globalThis.fetch,
    download: DEFAULT_DOWNLOAD_POLICY,
    ...overrides,
  }
}
