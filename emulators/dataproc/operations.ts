import { status as GrpcStatus } from '@grpc/grpc-js'
import { TYPE_BATCH, TYPE_BATCH_METADATA } from './protos.js'
import { timestamp, type Batch, type Operation, type PackAny, type Status } from './types.js'

/** A batch's long-running operation, which outlives the batch's own record once it is done. */
export interface OperationRecord {
  name: string
  batchName: string
  createTime: number
  doneTime?: number
  error?: Status
  /** The batch as it was when the operation finished (the record may be deleted later). */
  finalBatch?: Batch
}

/** Marks the operation done with the batch's end, as the service does once teardown is over. */
export function completeOperation(operation: OperationRecord, batch: Batch): void {
  operation.doneTime = Date.now()
  operation.finalBatch = structuredClone(batch)
  if (batch.state === 'CANCELLED') {
    operation.error = { code: GrpcStatus.CANCELLED, message: 'Operation was cancelled' }
  } else if (batch.state === 'FAILED') {
    operation.error = {
      code: GrpcStatus.FAILED_PRECONDITION,
      message: batch.stateMessage ?? 'Batch failed.'
    }
  }
}

/** The operation as a google.longrunning.Operation message, its Any fields packed by the caller. */
export function operationMessage(
  operation: OperationRecord,
  current: Batch | undefined,
  pack: PackAny
): Operation {
  const batch = operation.finalBatch ?? current
  const metadata = {
    batch: operation.batchName,
    batchUuid: batch?.uuid,
    createTime: timestamp(operation.createTime),
    ...(operation.doneTime !== undefined ? { doneTime: timestamp(operation.doneTime) } : {}),
    operationType: 'BATCH',
    description: 'Batch',
    labels: batch?.labels ?? {}
  }
  const message: Operation = {
    name: operation.name,
    metadata: pack(TYPE_BATCH_METADATA, metadata),
    done: operation.doneTime !== undefined
  }
  if (operation.error) message.error = operation.error
  else if (message.done && batch) message.response = pack(TYPE_BATCH, batch)
  return message
}
