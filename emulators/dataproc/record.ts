import { join } from 'node:path'
import type { DriverOptions, DriverRun } from './driver.js'
import { LogSink, type LogWriter } from './log-sink.js'
import { OutputSeries } from './output-series.js'
import { DEFAULT_RUNTIME_VERSION } from './service-text.js'
import type { StoreOptions } from './store.js'
import { timestamp, type Batch, type BatchState } from './types.js'

/** A batch as the store keeps it: the message, where it lives, and its driver once it runs. */
export interface BatchRecord {
  batch: Batch
  project: string
  location: string
  requestId?: string
  operationName: string
  runStartMs?: number
  driver?: DriverRun
}

const DISCARD: LogWriter = { write: () => undefined }

/**
 * How the batch's driver runs: where it works, which Spark, and where its output goes (the GCS
 * series at `outputUri`, or Cloud Logging from runtime 3.0 on).
 */
export function driverSettings(
  options: StoreOptions,
  record: BatchRecord,
  outputUri: string | undefined
): Omit<DriverOptions, 'containers'> {
  const { batch } = record
  const uuid = batch.uuid ?? ''
  const batchId = batch.name?.split('/').pop() ?? uuid
  return {
    batchId,
    workDir: join(options.dataDir, 'batches', uuid),
    storage: options.storage,
    storageUrl: options.storageUrl,
    spark: options.spark,
    runtimeVersion: batch.runtimeConfig?.version ?? DEFAULT_RUNTIME_VERSION,
    image: batch.runtimeConfig?.containerImage || undefined,
    output: outputUri
      ? new OutputSeries(options.storage, outputUri, options.rolloverBytes, options.flushMs)
      : new LogSink(options.logging ?? DISCARD, {
          project: record.project,
          location: record.location,
          batchId,
          batchUuid: uuid
        }),
    properties: batch.runtimeConfig?.properties ?? {}
  }
}

/** Moves the batch to `state`, keeping the state it leaves in its history. */
export function transition(record: BatchRecord, state: BatchState, stateMessage?: string): void {
  const { batch } = record
  if (batch.state) {
    batch.stateHistory = [
      ...(batch.stateHistory ?? []),
      {
        state: batch.state,
        ...(batch.stateMessage ? { stateMessage: batch.stateMessage } : {}),
        stateStartTime: batch.stateTime ?? timestamp(Date.now())
      }
    ]
  }
  batch.state = state
  batch.stateMessage = stateMessage
  batch.stateTime = timestamp(Date.now())
}
