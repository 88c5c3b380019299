/** How patient a download is: a connect and an idle timeout, and a few retries with exponential backoff. */
export interface DownloadPolicy {
  /** Until the response headers arrive (ms). */
  readonly connectTimeoutMs: number
  /** Longest silence while the body streams (ms). */
  readonly idleTimeoutMs: number
  /** Tries in all, the first included. */
  readonly attempts: number
  /** Wait before the second try; doubled before each further one (ms). */
  readonly backoffMs: number
}

export const DEFAULT_DOWNLOAD_POLICY: DownloadPolicy = { connectTimeoutMs: 30_000, idleTimeoutMs: 60_000, attempts: 4, backoffMs: 1_000 }

/** A failure another try may not repeat: no answer, a dropped connection, a timeout, HTTP 5xx or 429. */
export class TransientDownloadError extends Error {
  override readonly name = 'TransientDownloadError'
}

/** Runs `attempt` until it succeeds, a non-transient error, or the policy's last try. */
export async function withRetries<T>(policy: DownloadPolicy, attempt: (number: number) => Promise<T>): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt(number)
    } catch (error) {
      if (!(error instanceof TransientDownloadError) || number >= policy.attempts) throw error
      await new Promise(resolve => setTimeout(resolve, policy.backoffMs * 2 ** (number - 1)))
    }
  }
}
