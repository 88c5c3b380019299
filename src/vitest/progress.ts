/** Live progress of a long case on stderr: done of total, rate, ETA; throttled so it never floods a CI log. */
import type { Progress } from '../core/executor.ts'

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m${String(rest).padStart(2, '0')}s`
  return `${rest}s`
}

/** One progress line: `label  done/total unit  rate/s  ETA`. */
export function formatProgress(label: string, progress: Progress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? progress.done / (elapsedMs / 1000) : 0
  const remaining = Math.max(0, progress.total - progress.done)
  const eta = rate > 0 ? formatDuration(remaining / rate) : '?'
  const percent = progress.total > 0 ? ` (${((100 * progress.done) / progress.total).toFixed(0)}%)` : ''
  return `[lmscale] ${label}  ${progress.done}/${progress.total} ${progress.unit}${percent}  ${rate.toFixed(1)}/s  ETA ${eta}`
}

export interface ProgressSink {
  readonly now: () => number
  readonly write: (line: string) => void
}

export class ProgressReporter {
  private readonly startedAt: number
  private lastPrintedAt = -Infinity

  constructor(
    private readonly label: string,
    private readonly sink: ProgressSink = { now: () => performance.now(), write: line => process.stderr.write(`${line}\n`) },
    /** Minimum time between two lines; also how long a case runs before its first line. */
    private readonly intervalMs = 2000,
  ) {
    this.startedAt = sink.now()
    this.lastPrintedAt = this.startedAt
  }

  update(progress: Progress): void {
    const now = this.sink.now()
    const finished = progress.done >= progress.total
    const due = now - this.lastPrintedAt >= this.intervalMs
    // A case that ends before its first interval stays quiet; a long one also prints its last line.
    const longCase = now - this.startedAt >= this.intervalMs
    if (due || (finished && longCase && this.lastPrintedAt > this.startedAt)) {
      this.lastPrintedAt = now
      this.sink.write(formatProgress(this.label, progress, now - this.startedAt))
    }
  }
}
