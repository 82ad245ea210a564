/**
 * The command's upload progress: a bar redrawn in place on a terminal, a few plain lines
 * elsewhere (a CI log keeps every line, so it gets one per quarter, not one per redraw).
 */
import type { UploadProgress } from '../steps/code/upload.js'
import type { Palette } from './palette.js'

/** An upload this small is over before a bar could say anything. */
export const MIN_BYTES = 1024 * 1024
/** At most ten redraws a second: a terminal shows no more, and each costs a write. */
export const REDRAW_MS = 100
const BAR_WIDTH = 24
const QUARTERS = [25, 50, 75, 100]

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1)
const nameOf = (uri: string): string => uri.slice(uri.lastIndexOf('/') + 1)

/** Whole percent, 100 only once every byte is out. */
export function percentOf(bytes: number, total: number): number {
  if (total <= 0 || bytes >= total) return 100
  return Math.min(99, Math.floor((bytes / total) * 100))
}

/** `uploading code.zip  ████░░░░ 42% 12.3/29.1 MB`, or without a bar while the total is unknown. */
export function barLine(progress: UploadProgress, paint: Pick<Palette, 'green' | 'dim'>): string {
  const name = `uploading ${nameOf(progress.uri)}`
  if (progress.total === undefined) return `${name}  ${megabytes(progress.bytes)} MB`
  const percent = percentOf(progress.bytes, progress.total)
  const filled = Math.round((percent / 100) * BAR_WIDTH)
  const bar = paint.green('█'.repeat(filled)) + paint.dim('░'.repeat(BAR_WIDTH - filled))
  const amounts = `${megabytes(progress.bytes)}/${megabytes(progress.total)} MB`
  return `${name}  ${bar} ${String(percent).padStart(3)}% ${amounts}`
}

/** A plain line for a log: `uploading code.zip: 50% (14.6/29.1 MB)`. */
export function plainLine(progress: UploadProgress & { total: number }): string {
  const percent = percentOf(progress.bytes, progress.total)
  const amounts = `${megabytes(progress.bytes)}/${megabytes(progress.total)} MB`
  return `uploading ${nameOf(progress.uri)}: ${percent}% (${amounts})`
}

/** Where progress goes: a line drawn in place (undefined takes it down), or a line printed. */
export interface ProgressSink {
  tty: boolean
  draw(line: string | undefined): void
  print(line: string): void
}

/**
 * Turns the core's frequent progress events into what a person should see: on a terminal the
 * latest upload's bar, redrawn at most every REDRAW_MS and always at its end; elsewhere a line
 * the first time each upload passes a quarter.
 */
export class ProgressDisplay {
  private lastDraw = Number.NEGATIVE_INFINITY
  private readonly reported = new Map<string, number>()

  constructor(
    private readonly sink: ProgressSink,
    private readonly paint: Pick<Palette, 'green' | 'dim'>,
    private readonly now: () => number = Date.now
  ) {}

  update(progress: UploadProgress): void {
    const size = progress.total ?? progress.bytes
    if (progress.total !== undefined && size < MIN_BYTES) return
    const done = progress.total !== undefined && progress.bytes >= progress.total
    if (this.sink.tty) this.redraw(progress, done)
    else if (progress.total !== undefined) this.report({ ...progress, total: progress.total })
  }

  private redraw(progress: UploadProgress, done: boolean): void {
    const now = this.now()
    if (!done && now - this.lastDraw < REDRAW_MS) return
    this.lastDraw = now
    this.sink.draw(done ? undefined : barLine(progress, this.paint))
  }

  private report(progress: UploadProgress & { total: number }): void {
    const percent = percentOf(progress.bytes, progress.total)
    const last = this.reported.get(progress.uri) ?? 0
    const passed = QUARTERS.filter(quarter => quarter > last && quarter <= percent).pop()
    if (passed === undefined) return
    this.reported.set(progress.uri, passed)
    this.sink.print(plainLine(progress))
  }
}
