/**
 * The messages the emulator reads and writes, in protobufjs object form (camelCase keys, int64 as
 * decimal strings, enums as names). Only the fields the emulator looks at are spelled out; the rest
 * of a client's request is kept as sent and echoed back.
 */

export interface Timestamp {
  seconds: string
  nanos?: number
}

export interface Duration {
  seconds?: string
  nanos?: number
}

export type BatchState =
  'STATE_UNSPECIFIED' | 'PENDING' | 'RUNNING' | 'CANCELLING' | 'CANCELLED' | 'SUCCEEDED' | 'FAILED'

export const TERMINAL_STATES: readonly BatchState[] = ['CANCELLED', 'SUCCEEDED', 'FAILED']

export interface PySparkBatch {
  mainPythonFileUri?: string
  args?: string[]
  pythonFileUris?: string[]
  jarFileUris?: string[]
  fileUris?: string[]
  archiveUris?: string[]
}

export interface ExecutionConfig {
  serviceAccount?: string
  networkUri?: string
  subnetworkUri?: string
  ttl?: Duration
  idleTtl?: Duration
  stagingBucket?: string
}

export interface StateHistory {
  state: BatchState
  stateMessage?: string
  stateStartTime: Timestamp
}

export interface Batch {
  name?: string
  uuid?: string
  createTime?: Timestamp
  pysparkBatch?: PySparkBatch
  sparkBatch?: object
  sparkRBatch?: object
  sparkSqlBatch?: object
  runtimeInfo?: {
    endpoints?: Record<string, string>
    outputUri?: string
    approximateUsage?: {
      milliDcuSeconds?: string
      shuffleStorageGbSeconds?: string
      milliAcceleratorSeconds?: string
    }
    currentUsage?: {
      milliDcu?: string
      shuffleStorageGb?: string
      milliDcuPremium?: string
      shuffleStorageGbPremium?: string
      milliAccelerator?: string
      snapshotTime?: Timestamp
    }
  }
  state?: BatchState
  stateMessage?: string
  stateTime?: Timestamp
  creator?: string
  labels?: Record<string, string>
  runtimeConfig?: { version?: string; containerImage?: string; properties?: Record<string, string> }
  environmentConfig?: { executionConfig?: ExecutionConfig }
  operation?: string
  stateHistory?: StateHistory[]
}

export interface CreateBatchRequest {
  parent?: string
  batch?: Batch
  batchId?: string
  requestId?: string
}

export interface ListBatchesRequest {
  parent?: string
  pageSize?: number
  pageToken?: string
  filter?: string
  orderBy?: string
}

export interface ListOperationsRequest {
  name?: string
  filter?: string
  pageSize?: number
  pageToken?: string
}

/** google.protobuf.Any; the two schema roots name the first field differently (see protos.ts). */
export type PackAny = (typeName: string, object: object) => object

export interface Status {
  code: number
  message: string
}

export interface Operation {
  name: string
  metadata: object
  done: boolean
  response?: object
  error?: Status
}

export const timestamp = (ms: number): Timestamp => ({
  seconds: String(Math.floor(ms / 1000)),
  nanos: (ms % 1000) * 1_000_000
})

export const timestampMs = (t: Timestamp | undefined): number =>
  t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000) : 0

export const durationSeconds = (d: Duration): number =>
  Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9
