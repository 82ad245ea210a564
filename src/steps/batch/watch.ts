import type { Storage } from '@google-cloud/storage'
import type { DataprocClient } from '../../clients/clients.js'
import { majorOf } from '../../dataproc/runtimes.js'
import { firstLine } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { isTransient, sleep, withRetries, type Backoff } from '../../lib/retry.js'
import { cancelBatch } from './cancel.js'
import { DriverOutput } from './driver-output.js'
import { overLimit, UsageMeter, type OverSpent } from './guard.js'
import { getBatch, type Batch } from './submit.js'

const STATES = [
  'STATE_UNSPECIFIED',
  'PENDING',
  'RUNNING',
  'CANCELLING',
  'CANCELLED',
  'SUCCEEDED',
  'FAILED'
] as const
export type BatchState = (typeof STATES)[number]

/** gRPC answers enum names, the REST transport numbers: both become the name. */
export function stateOf(batch: Batch): BatchState {
  const state = batch.state
  if (typeof state === 'number') return STATES[state] ?? 'STATE_UNSPECIFIED'
  return (STATES as readonly string[]).includes(state ?? '')
    ? (state as BatchState)
    : 'STATE_UNSPECIFIED'
}

/** A batch in one of these states will not change again. */
export const isTerminal = (state: BatchState): boolean =>
  ['CANCELLED', 'SUCCEEDED', 'FAILED'].includes(state)

/** Where a batch's driver output is read from: the GCS series, or Cloud Logging. */
export interface OutputSource {
  /** Reads what is new; true once the output is complete. */
  poll(batchEnded: boolean): Promise<boolean>
  /** Emits whatever is still held. */
  flush(): void
}

export interface WatchOptions {
  client: DataprocClient
  storage: Storage
  name: string
  operation: string
  /** The Cloud Logging reader for a batch that writes no GCS series (runtime 3.0 and later). */
  cloudLogging: (batch: Batch) => OutputSource
  /** Cancel the batch when the run is aborted. */
  abort: AbortSignal
  timeoutSeconds?: number
  /** The spending guard: cancel the batch once it has used more DCU-hours than this. */
  maxDcuHours?: number
  onLine: (line: string) => void
  /** Dataproc accepted the cancel (after an abort or the timeout). */
  onCancelSent?: () => void
}

export interface WatchResult {
  batch: Batch
  state: BatchState
  timedOut: boolean
  aborted: boolean
  /** Set when the spending guard cancelled the batch. */
  overSpent?: OverSpent
}

type CancelReason = 'aborted' | 'timeout' | 'spending'
/** What the log says when a cancel is sent, and what it came after when it could not be. */
const CANCEL: Record<CancelReason, { log: string; after: string }> = {
  aborted: { log: 'run aborted', after: 'abort' },
  timeout: { log: 'timeout reached', after: 'timeout' },
  spending: { log: 'max-dcu-hours passed', after: 'spending limit' }
}

/**
 * Polls GetBatch rather than waiting on the long-running operation, which completes a minute or
 * two after the batch ends. Polls twice a second while the batch is young and short runs are
 * likely, then once a second: the end is noticed within about a second at under 1% of the
 * GetBatch quota (7,500 a minute).
 */
function pollInterval(elapsedMs: number): number {
  return elapsedMs < 30_000 ? 500 : 1000
}

/** After the batch ends, how long the last driver output may take to appear. */
const OUTPUT_DRAIN_MS = 10_000
/** How long GetBatch may keep failing transiently before the watch gives up (the batch runs on). */
const MAX_OUTAGE_MS = 15 * 60_000
/** While GetBatch fails: never faster than the usual poll, at most 15 s apart. */
const OUTAGE_BACKOFF: Backoff = { firstMs: 1_000, maxMs: 15_000, minMs: 500 }

/**
 * Runtime 3.0 and later write the driver output only to Cloud Logging; so does any batch that
 * runs without an output URI.
 */
function writesToCloudLogging(batch: Batch, state: BatchState): boolean {
  if (batch.runtimeInfo?.outputUri) return false
  return majorOf(batch.runtimeConfig?.version ?? '') >= 3
    ? state !== 'PENDING'
    : state === 'RUNNING'
}

/** One watch of one batch: its state, its output, and whether it was asked to cancel. */
class Watch {
  private readonly started = Date.now()
  private readonly meter = new UsageMeter()
  private state: BatchState | undefined
  private output: OutputSource | undefined
  private seriesUri: string | undefined
  private outputDone = false
  private endedAt: number | undefined
  cancelRequested: CancelReason | undefined
  cancelFailure: Error | undefined
  overSpent: OverSpent | undefined

  constructor(private readonly options: WatchOptions) {}

  async cancel(reason: CancelReason): Promise<void> {
    const { name } = this.options
    if (this.cancelRequested) return
    this.cancelRequested = reason
    log.warning(`${CANCEL[reason].log}: cancelling batch ${name}`)
    try {
      await cancelBatch(this.options.client, this.options.operation)
      this.options.onCancelSent?.()
    } catch (error) {
      // The batch keeps running: say so rather than wait for it as if it had been cancelled.
      throw new Error(
        `could not cancel batch ${name} after the ${CANCEL[reason].after} (${firstLine(error)}); it is still running`
      )
    }
  }

  /** GetBatch, riding out an outage of up to MAX_OUTAGE_MS; logs each change of state. */
  async read(): Promise<{ batch: Batch; state: BatchState }> {
    const { client, name } = this.options
    const batch = await withRetries(() => getBatch(client, name), {
      what: 'GetBatch',
      maxElapsedMs: MAX_OUTAGE_MS,
      backoff: OUTAGE_BACKOFF
    })
    const next = stateOf(batch)
    if (next !== this.state) {
      const elapsed = ((Date.now() - this.started) / 1000).toFixed(1)
      log.info(
        `${new Date().toISOString()}  ${this.state ? `${this.state} → ` : ''}${next}  (+${elapsed}s)`
      )
      this.state = next
    }
    return { batch, state: next }
  }

  /** Reads what is new of the driver output; true once the watch may end with the batch. */
  async follow(batch: Batch, state: BatchState): Promise<boolean> {
    const outputUri = batch.runtimeInfo?.outputUri
    if (outputUri && outputUri !== this.seriesUri) {
      // A changed output URI is a new attempt of the driver: follow the new series.
      this.output = new DriverOutput(this.options.storage, outputUri, this.options.onLine)
      this.seriesUri = outputUri
      this.outputDone = false
    } else if (!this.output && writesToCloudLogging(batch, state)) {
      this.output = this.options.cloudLogging(batch)
    }
    const ended = isTerminal(state)
    if (ended) this.endedAt ??= Date.now()
    if (this.output && !this.outputDone) await this.poll(this.output, ended)
    // Cloud Logging's reader keeps its own, longer, limit: its entries arrive later.
    const drained =
      this.seriesUri !== undefined && Date.now() - (this.endedAt ?? 0) > OUTPUT_DRAIN_MS
    if (!ended || !(this.outputDone || !this.output || drained)) return false
    this.output?.flush()
    return true
  }

  private async poll(output: OutputSource, ended: boolean): Promise<void> {
    try {
      this.outputDone = await output.poll(ended)
    } catch (error) {
      // The batch matters more than its log: stop streaming, keep watching the state.
      if (!isTransient(error)) {
        log.warning(
          `driver output cannot be read (${firstLine(error)}); follow it in the Cloud console`
        )
        this.outputDone = true
      }
    }
  }

  /** Cancels once the spending limit or the timeout has passed; then waits for the next poll. */
  async pause(batch: Batch, state: BatchState): Promise<void> {
    const { timeoutSeconds, maxDcuHours } = this.options
    const spent = overLimit(this.meter, batch, state === 'RUNNING', maxDcuHours)
    if (spent) {
      this.overSpent ??= spent
      await this.cancel('spending')
    }
    const ended = isTerminal(state)
    const elapsed = Date.now() - this.started
    if (timeoutSeconds !== undefined && !ended && elapsed > timeoutSeconds * 1000)
      await this.cancel('timeout')
    await sleep(ended ? 250 : pollInterval(Date.now() - this.started))
  }
}

export async function watchBatch(options: WatchOptions): Promise<WatchResult> {
  const watch = new Watch(options)
  const onAbort = (): void => {
    watch.cancel('aborted').catch((error: unknown) => (watch.cancelFailure = error as Error))
  }
  // An abort that came while the batch was being created still cancels it.
  if (options.abort.aborted) await watch.cancel('aborted')
  else options.abort.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      if (watch.cancelFailure) throw watch.cancelFailure
      const { batch, state } = await watch.read()
      if (await watch.follow(batch, state)) {
        const reason = watch.cancelRequested
        const { overSpent } = watch
        return {
          batch,
          state,
          timedOut: reason === 'timeout',
          aborted: reason === 'aborted',
          overSpent
        }
      }
      await watch.pause(batch, state)
    }
  } finally {
    options.abort.removeEventListener('abort', onAbort)
  }
}
