import type { protos } from '@google-cloud/dataproc'
import type { DataprocClient } from '../clients.js'
import type { CreateBatchRequest } from '../plan.js'
import { withRetries } from '../retry.js'

export type Batch = protos.google.cloud.dataproc.v1.IBatch

export interface Submission {
  batch: Batch
  /** The long-running operation: cancelling it is how a batch is cancelled. */
  operation: string
  /** True when the batch already existed from an earlier try of this same attempt. */
  reattached: boolean
}

const ALREADY_EXISTS = 6

/**
 * Creates the batch with the planned request id, so a retried create returns the first
 * operation instead of a second batch. A batch that already exists is ours only when it carries
 * our request id label; then we watch it instead of failing.
 */
export async function submitBatch(
  client: DataprocClient,
  request: CreateBatchRequest
): Promise<Submission> {
  try {
    const [operation] = await withRetries(() => client.createBatch(request), {
      what: 'CreateBatch'
    })
    const batch = await getBatchPatiently(client, `${request.parent}/batches/${request.batchId}`)
    return { batch, operation: operation.name ?? batch.operation ?? '', reattached: false }
  } catch (error) {
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error
    const batch = await getBatchPatiently(client, `${request.parent}/batches/${request.batchId}`)
    if (batch.labels?.['request-id'] !== request.requestId) {
      throw new Error(
        `batch ${request.batchId} already exists and belongs to another run (its request-id label differs); set a different run-id`
      )
    }
    return { batch, operation: batch.operation ?? '', reattached: true }
  }
}

export async function getBatch(client: DataprocClient, name: string): Promise<Batch> {
  const [batch] = await client.getBatch({ name })
  return batch
}

/** GetBatch is a read: always safe to repeat. */
const getBatchPatiently = (client: DataprocClient, name: string): Promise<Batch> =>
  withRetries(() => getBatch(client, name), { what: 'GetBatch' })
