/**
 * Follows a batch's driver output in Cloud Logging, where runtime 3.0 and later write it (no GCS
 * series). Entries arrive seconds to minutes late and not always in timestamp order, so each
 * poll re-reads a window behind the newest entry, keeps every insertId it has seen (each line is
 * printed once), and holds entries for a settle period before printing them in timestamp order.
 * Reading stays well inside the shared `entries.list` quota (60 requests a minute per project).
 * Reading logs never fails the run: a 403 is one warning naming the role, other errors back off.
 */
import { errorMessage, httpStatus } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { backoffDelay, isTransient, type Backoff } from '../../lib/retry.js'
import type { ListEntries, LogEntry } from '../../clients/logging.js'

export interface BatchLog {
  project: string
  location: string
  batchId: string
  /** The batch's creation time (ms): nothing of it can be older. */
  since: number
}

/** The entrypoint's last line: once it is printed, the output is complete. */
const LAST_LINE = /^\[kedro-dataproc\] kedro run exited with status /

/** At most one request every 2 s, failing or not: the quota is the project's, shared. */
const MIN_INTERVAL_MS = 2_000
const BACKOFF: Backoff = { firstMs: 2 * MIN_INTERVAL_MS, maxMs: 30_000, minMs: MIN_INTERVAL_MS }
/** How long (by its timestamp) an entry waits for older ones that may still arrive. */
const SETTLE_MS = 8_000
/** How far behind the newest entry each poll looks for late arrivals. */
const LOOKBACK_MS = 120_000
/** After the batch ends: no new entry for this long means the output is complete. */
const QUIET_MS = 15_000
/** After the batch ends: stop here at the latest, and say the output may be incomplete. */
const CEILING_MS = 90_000

export class CloudLoggingOutput {
  private readonly seen = new Set<string>()
  private pending: { time: number; insertId: string; lines: string[] }[] = []
  private newest = 0
  private nextPollAt = 0
  /** When the last successful read started. */
  private lastReadAt = 0
  /** Failed reads in a row. */
  private failures = 0
  private endedAt?: number
  private lastNewAt = Date.now()
  private complete = false

  constructor(
    private readonly list: ListEntries,
    private readonly log: BatchLog,
    private readonly emitLine: (line: string) => void,
    private readonly now: () => number = Date.now
  ) {}

  /** Reads what is new when a poll is due; returns true once the output is complete. */
  async poll(batchEnded: boolean): Promise<boolean> {
    if (batchEnded) this.endedAt ??= this.now()
    if (this.complete) return true
    if (this.now() >= this.nextPollAt) {
      try {
        const startedAt = this.now()
        await this.read()
        this.lastReadAt = startedAt
        this.failures = 0
      } catch (error) {
        const status = httpStatus(error)
        if (status === 403) {
          log.warning(
            'driver output: Cloud Logging refused to list entries (403); grant the deploying identity roles/logging.viewer to stream it here, or follow the logs link in the summary'
          )
          return this.finish()
        }
        // A refusal will not change; quota, outages and the network might.
        if (status !== undefined && !isTransient(error)) {
          log.warning(
            `driver output: Cloud Logging cannot be read (${errorMessage(error)}); follow the logs link in the summary`
          )
          return this.finish()
        }
        this.failures += 1
      }
      const wait = this.failures === 0 ? MIN_INTERVAL_MS : backoffDelay(this.failures, BACKOFF)
      this.nextPollAt = this.now() + wait
    }
    if (this.endedAt === undefined) {
      this.release(false)
      return false
    }
    // The driver has ended and the entrypoint's last line is in: nothing newer will come, and
    // once it is as old as the settle period, neither will the older lines still in flight.
    const last = this.pending.find(entry => entry.lines.some(line => LAST_LINE.test(line)))
    if (last && this.lastReadAt - last.time >= SETTLE_MS) return this.finish()
    this.release(false)
    const sinceEnd = this.now() - this.endedAt
    if (this.complete || this.now() - this.lastNewAt > QUIET_MS) return this.finish()
    if (sinceEnd > CEILING_MS) {
      log.warning(
        'driver output: stopped waiting for Cloud Logging; the output above may be incomplete'
      )
      return this.finish()
    }
    return false
  }

  /** Prints whatever is still held. */
  flush(): void {
    this.release(true)
  }

  private finish(): boolean {
    this.release(true)
    this.complete = true
    return true
  }

  private filter(): string {
    const { project, location, batchId } = this.log
    const from = Math.max(this.log.since - 60_000, this.newest - LOOKBACK_MS)
    return [
      `logName="projects/${project}/logs/dataproc.googleapis.com%2Foutput"`,
      'resource.type="cloud_dataproc_batch"',
      `resource.labels.batch_id="${batchId}"`,
      `resource.labels.location="${location}"`,
      `timestamp>="${new Date(from).toISOString()}"`
    ].join(' AND ')
  }

  private async read(): Promise<void> {
    let pageToken: string | undefined
    const filter = this.filter()
    do {
      const page = await this.list({
        resourceNames: [`projects/${this.log.project}`],
        filter,
        orderBy: 'timestamp asc',
        pageSize: 1000,
        ...(pageToken ? { pageToken } : {})
      })
      for (const entry of page.entries ?? []) this.accept(entry)
      pageToken = page.nextPageToken || undefined
    } while (pageToken)
  }

  private accept(entry: LogEntry): void {
    const insertId = entry.insertId ?? `${entry.timestamp}|${entry.textPayload ?? ''}`
    if (this.seen.has(insertId)) return
    this.seen.add(insertId)
    const message = entry.jsonPayload?.message ?? entry.textPayload ?? ''
    const text = typeof message === 'string' ? message : JSON.stringify(message)
    const lines = text.split('\n')
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
    const time = Date.parse(entry.timestamp ?? '') || this.now()
    this.newest = Math.max(this.newest, time)
    this.lastNewAt = this.now()
    this.pending.push({ time, insertId, lines })
  }

  /** Prints, in timestamp order, the entries that have waited long enough (all, at the end). */
  private release(all: boolean): void {
    const horizon = this.now() - SETTLE_MS
    this.pending.sort((a, b) => a.time - b.time || a.insertId.localeCompare(b.insertId))
    const ready = all ? this.pending : this.pending.filter(entry => entry.time <= horizon)
    this.pending = all ? [] : this.pending.filter(entry => entry.time > horizon)
    for (const entry of ready) {
      for (const line of entry.lines) {
        this.emitLine(line)
        if (LAST_LINE.test(line)) this.complete = true
      }
    }
  }
}
