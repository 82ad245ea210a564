import { randomUUID } from 'node:crypto'
import { userInfo } from 'node:os'
import { status as GrpcStatus } from '@grpc/grpc-js'
import type { ContainerHost } from './container.js'
import { startDriver, type DriverResult } from './driver.js'
import { ApiError } from './errors.js'
import { listPage, matchesFilter, sortBatches } from './list.js'
import { completeOperation, operationMessage, type OperationRecord } from './operations.js'
import type { FaultInjector } from '../faults.js'
import type { LogWriter } from './log-sink.js'
import { driverSettings, transition, type BatchRecord } from './record.js'
import type { SparkRuntime } from './spark.js'
import { acceptedBatch, jobFailed, QUOTA_FAILURE } from './service-text.js'
import type { StorageClient } from './storage-http.js'
import { usageFields } from './usage.js'
import {
  durationSeconds,
  TERMINAL_STATES,
  type Batch,
  type CreateBatchRequest,
  type ListBatchesRequest,
  type ListOperationsRequest,
  type Operation,
  type PackAny
} from './types.js'
import { parseParent, validateBatch, validateIds } from './validate.js'

/**
 * One store behind both transports: batches, their long-running operations, request-id
 * idempotency, and the lifecycle PENDING → RUNNING → SUCCEEDED | FAILED (CANCELLING → CANCELLED),
 * driven by timers and the real driver process.
 */

export interface StoreOptions {
  dataDir: string
  storage: StorageClient
  pendingMs: number
  teardownMs: number
  storageUrl: string
  spark: SparkRuntime
  faults: FaultInjector
  /** Cloud Logging, for the driver output of runtime 3.0 and later (discarded without it). */
  logging?: LogWriter
  /** Real seconds per batch ttl second: tests make time pass faster (1 in the service). */
  ttlScale: number
  rolloverBytes: number
  flushMs: number
}

const DEFAULT_PAGE_SIZE = 100

export class Store {
  private readonly batches = new Map<string, BatchRecord>()
  private readonly operations = new Map<string, OperationRecord>()
  private readonly byRequestId = new Map<string, string>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly creator = `${userInfo().username}@localhost`
  private closed = false
  /** The stack's Docker daemon and registry, once started: batches then run in their images. */
  private containers?: ContainerHost

  constructor(private readonly options: StoreOptions) {}

  runImagesWith(host: ContainerHost): void {
    this.containers = host
  }

  createBatch(request: CreateBatchRequest): string {
    const { project, location } = parseParent(request.parent)
    validateIds(request)
    const requestKey = request.requestId ? `${request.parent}/${request.requestId}` : undefined
    const earlier = requestKey ? this.byRequestId.get(requestKey) : undefined
    if (earlier) return earlier
    validateBatch(request.batch)
    const batchId = request.batchId || randomUUID()
    const name = `${request.parent}/batches/${batchId}`
    if (this.batches.has(name)) {
      throw new ApiError(GrpcStatus.ALREADY_EXISTS, `Batch ${name} already exists.`)
    }
    const now = Date.now()
    const operationName = `projects/${project}/regions/${location}/operations/${randomUUID()}`
    const batch = acceptedBatch(request.batch, { name, batchId, location, operationName, now })
    batch.creator = this.creator
    const record: BatchRecord = { batch, project, location, requestId: requestKey, operationName }
    this.batches.set(name, record)
    this.operations.set(operationName, { name: operationName, batchName: name, createTime: now })
    if (requestKey) this.byRequestId.set(requestKey, operationName)
    this.later(this.options.pendingMs, () => void this.run(record))
    return operationName
  }

  getBatch(name: string): Batch {
    return this.withUsage(this.record(name))
  }

  listBatches(request: ListBatchesRequest): { batches: Batch[]; nextPageToken: string } {
    parseParent(request.parent)
    const prefix = `${request.parent}/batches/`
    const matching = [...this.batches.values()]
      .map(record => this.withUsage(record))
      .filter(batch => batch.name?.startsWith(prefix) && matchesFilter(batch, request.filter ?? ''))
    const page = listPage(sortBatches(matching, request.orderBy ?? ''), request, DEFAULT_PAGE_SIZE)
    return { batches: page.items, nextPageToken: page.nextPageToken }
  }

  deleteBatch(name: string): void {
    const record = this.record(name)
    const state = record.batch.state ?? 'STATE_UNSPECIFIED'
    if (!TERMINAL_STATES.includes(state)) {
      throw new ApiError(
        GrpcStatus.FAILED_PRECONDITION,
        `Batch ${name} is in state ${state} and cannot be deleted; cancel it and wait for it to finish first.`
      )
    }
    this.batches.delete(name)
    if (record.requestId) this.byRequestId.delete(record.requestId)
  }

  /** The operation as a google.longrunning.Operation message, its Any fields packed by the caller. */
  getOperation(name: string, pack: PackAny): Operation {
    return this.message(this.operationRecord(name), pack)
  }

  listOperations(
    request: ListOperationsRequest,
    pack: PackAny
  ): { operations: Operation[]; nextPageToken: string } {
    const prefix = `${request.name ?? ''}/`
    const matching = [...this.operations.values()]
      .filter(operation => operation.name.startsWith(prefix))
      .sort((a, b) => b.createTime - a.createTime)
    const page = listPage(matching, request, DEFAULT_PAGE_SIZE)
    return {
      operations: page.items.map(op => this.message(op, pack)),
      nextPageToken: page.nextPageToken
    }
  }

  deleteOperation(name: string): void {
    this.operationRecord(name)
    this.operations.delete(name)
  }

  cancelOperation(name: string): void {
    const operation = this.operationRecord(name)
    const record = this.batches.get(operation.batchName)
    const state = record?.batch.state ?? 'STATE_UNSPECIFIED'
    if (!record || operation.doneTime !== undefined || TERMINAL_STATES.includes(state)) {
      throw new ApiError(
        GrpcStatus.FAILED_PRECONDITION,
        `Cannot cancel batch ${operation.batchName} in state ${state}: the batch has already finished.`
      )
    }
    if (state === 'CANCELLING') return
    transition(record, 'CANCELLING')
    if (record.driver) {
      record.driver.cancel()
    } else {
      // Still pending: nothing runs yet, so the cancellation completes after teardown alone.
      this.later(this.options.teardownMs, () => this.finish(record, { outcome: 'cancelled' }))
    }
  }

  /** Stops all timers and drivers; used when the emulator shuts down. */
  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    const running = [...this.batches.values()].flatMap(record =>
      record.driver ? [record.driver] : []
    )
    for (const driver of running) driver.cancel()
    await Promise.all(running.map(driver => driver.result))
  }

  /** A running batch's usage so far, as of this read. */
  private withUsage(record: BatchRecord): Batch {
    const { batch } = record
    if (record.runStartMs !== undefined && !TERMINAL_STATES.includes(batch.state ?? 'PENDING')) {
      const now = Date.now()
      const runSeconds = (now - record.runStartMs) / 1000
      batch.runtimeInfo = { ...batch.runtimeInfo, ...usageFields(batch, runSeconds, now, true) }
    }
    return batch
  }

  private message(operation: OperationRecord, pack: PackAny): Operation {
    return operationMessage(operation, this.batches.get(operation.batchName)?.batch, pack)
  }

  private record(name: string): BatchRecord {
    const record = this.batches.get(name)
    if (!record) throw new ApiError(GrpcStatus.NOT_FOUND, `Not found: Batch ${name}`)
    return record
  }

  private operationRecord(name: string): OperationRecord {
    const operation = this.operations.get(name)
    if (!operation) throw new ApiError(GrpcStatus.NOT_FOUND, `Operation not found: ${name}`)
    return operation
  }

  private later(ms: number, action: () => void): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, ms)
    this.timers.add(timer)
  }

  private async run(record: BatchRecord): Promise<void> {
    if (record.batch.state !== 'PENDING' || this.closed) return
    const { batch } = record
    const bucket =
      batch.environmentConfig?.executionConfig?.stagingBucket ||
      `dataproc-staging-${record.location}-emulator`.toLowerCase()
    const uuid = batch.uuid ?? ''
    // Runtime 3.0 and later write the driver output to Cloud Logging only: no outputUri.
    const toLogging = Number((batch.runtimeConfig?.version ?? '').split('.')[0]) >= 3
    const outputUri = toLogging
      ? undefined
      : `gs://${bucket}/google-cloud-dataproc-metainfo/${uuid}/jobs/srvls-batch-${uuid}/driveroutput`
    // The staging bucket exists before the batch runs, so a client that reads the output as soon
    // as it sees RUNNING never meets a missing bucket.
    try {
      if (outputUri) await this.options.storage.ensureBucket(bucket, record.project)
    } catch (error) {
      this.later(this.options.teardownMs, () =>
        this.finish(record, { outcome: 'failed', detail: (error as Error).message })
      )
      return
    }
    // Cancelled while the bucket was being prepared: the cancellation already finishes the batch.
    if (batch.state !== 'PENDING' || this.closed) return
    if (outputUri) batch.runtimeInfo = { ...batch.runtimeInfo, outputUri }
    record.runStartMs = Date.now()
    transition(record, 'RUNNING')
    const fault = this.options.faults.take('dataproc.batch.fail')
    if (fault) {
      this.later(this.options.teardownMs, () =>
        this.finish(record, { outcome: 'failed', message: fault.message ?? QUOTA_FAILURE })
      )
      return
    }
    const ttl = batch.environmentConfig?.executionConfig?.ttl
    if (ttl) {
      this.later(durationSeconds(ttl) * 1000 * this.options.ttlScale, () => this.expire(record))
    }
    if (!batch.pysparkBatch) {
      this.later(this.options.teardownMs, () =>
        this.finish(record, {
          outcome: 'failed',
          detail: 'The emulator runs only PySpark batches.'
        })
      )
      return
    }
    record.driver = startDriver(batch.pysparkBatch, {
      ...driverSettings(this.options, record, outputUri),
      containers: this.containers
    })
    const result = await record.driver.result
    this.later(this.options.teardownMs, () => this.finish(record, result))
  }

  private finish(record: BatchRecord, result: DriverResult): void {
    const { batch } = record
    if (TERMINAL_STATES.includes(batch.state ?? 'STATE_UNSPECIFIED')) return
    const now = Date.now()
    const runSeconds = record.runStartMs ? (now - record.runStartMs) / 1000 : 0
    // The final usage; a batch that has ended holds nothing, so it has no current usage.
    const runtimeInfo = { ...batch.runtimeInfo, ...usageFields(batch, runSeconds, now, false) }
    delete runtimeInfo.currentUsage
    batch.runtimeInfo = runtimeInfo
    if (result.outcome === 'succeeded') {
      transition(record, 'SUCCEEDED')
    } else if (result.outcome === 'cancelled' || batch.state === 'CANCELLING') {
      transition(record, 'CANCELLED')
    } else {
      transition(
        record,
        'FAILED',
        result.message ?? jobFailed(batch, record.project, record.location, result.detail)
      )
    }
    const operation = this.operations.get(record.operationName)
    if (!operation) return
    // The operation completes after the batch, as the service's does once teardown is over.
    this.later(this.options.teardownMs, () => completeOperation(operation, batch))
  }

  /** A RUNNING batch past its ttl is cancelled by the service, which says why only in history. */
  private expire(record: BatchRecord): void {
    if (record.batch.state !== 'RUNNING') return
    transition(record, 'CANCELLING', 'Cancelling batch as ttl exceeded')
    record.driver?.cancel()
  }
}
