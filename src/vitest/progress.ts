/**
 * Live progress of a case on stderr: done of total, units/s, tokens/s, ETA. On a terminal one line is
 * rewritten in place; anywhere else (CI logs, pipes, files) plain lines are printed every few seconds, with no
 * control characters.
 */
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

/** One progress line: `label  done/total unit (pct)  rate/s  tokens/s  ETA`. */
export function formatProgress(label: string, progress: Progress, elapsedMs: number): string {
  const seconds = elapsedMs / 1000
  const rate = seconds > 0 ? progress.done / seconds : 0
  const remaining = Math.max(0, progress.total - progress.done)
  const eta = rate > 0 ? formatDuration(remaining / rate) : '?'
  const percent = progress.total > 0 ? ` (${((100 * progress.done) / progress.total).toFixed(0)}%)` : ''
  const tokens = progress.tokens !== undefined && seconds > 0 ? `  ${(progress.tokens / seconds).toFixed(0)} tokens/s` : ''
  return `[lmscale] ${label}  ${progress.done}/${progress.total} ${progress.unit}${percent}  ${rate.toFixed(1)} ${progress.unit}/s${tokens}  ETA ${eta}`
}

/** `tty`: one line rewritten in place; `plain`: whole lines, for logs. */
export type ProgressStyle = 'tty' | 'plain'

/** A terminal gets the live line unless CI says otherwise (some CI runners allocate a pseudo-terminal). */
export function progressStyle(stream: { readonly isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressStyle {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false'
  return stream.isTTY && !ci ? 'tty' : 'plain'
}

/** Seconds between plain lines: LMSCALE_PROGRESS_SECONDS, else 10 (a CI log gets six lines a minute per case at most). */
export function plainIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LMSCALE_PROGRESS_SECONDS
  if (raw === undefined || raw === '') return 10_000
  const seconds = Number(raw)
  if (!(Number.isFinite(seconds) && seconds > 0))
    throw new Error(`lmscale: LMSCALE_PROGRESS_SECONDS must be a positive number of seconds, got ${JSON.stringify(raw)}`)
  return seconds * 1000
}

export interface ProgressSink {
  readonly now: () => number
  readonly write: (text: string) => void
}

const TTY_INTERVAL_MS = 200
/** Carriage return, then erase the line: the next text replaces the current line. */
const REWRITE = '\r\u001b[2K'

export class ProgressReporter {
  private readonly startedAt: number
  private lastPrintedAt: number
  private showing = false

  constructor(
    private readonly label: string,
    private readonly style: ProgressStyle = progressStyle(),
    private readonly sink: ProgressSink = { now: () => performance.now(), write: text => process.stderr.write(text) },
    /** Minimum time between two lines; also how long a case runs before its first line. */
    private readonly intervalMs = style === 'tty' ? TTY_INTERVAL_MS : plainIntervalMs(),
  ) {
    this.startedAt = sink.now()
    this.lastPrintedAt = this.startedAt
  }

  update(progress: Progress): void {
    const now = this.sink.now()
    if (now - this.lastPrintedAt < this.intervalMs) return
    this.lastPrintedAt = now
    const line = formatProgress(this.label, progress, now - this.startedAt)
    if (this.style === 'tty') {
      this.sink.write(`${REWRITE}${line}`)
      this.showing = true
    } else {
      this.sink.write(`${line}\n`)
    }
  }

  /** Clears the live line so the case's final line (printed by the reporter) starts on a clean line. */
  finish(): void {
    if (this.showing) this.sink.write(REWRITE)
    this.showing = false
  }
}
