import type { protos } from '@google-cloud/dataproc'
import type { DataprocClient } from '../../clients/clients.js'
import type { CreateBatchRequest } from '../../plan/plan.js'
import { errorCode } from '../../lib/errors.js'
import { withRetries } from '../../lib/retry.js'

export type Batch = protos.google.cloud.dataproc.v1.IBatch

export interface Submission {
  batch: Batch
  /** The long-running operation: cancelling it is how a batch is cancelled. */
  operation: string
  /** True when the batch already existed from an earlier try of this same attempt. */
  reattached: boolean
}

export const NOT_FOUND = 5
const ALREADY_EXISTS = 6

/** Ours when it carries our request id: a re-run of the same attempt, to watch, not to fail. */
function reattach(batch: Batch, request: CreateBatchRequest): Submission {
  if (batch.labels?.['request-id'] !== request.requestId) {
    throw new Error(
      `batch ${request.batchId} already exists and belongs to another run (its request-id label differs); set a different run-id`
    )
  }
  return { batch, operation: batch.operation ?? '', reattached: true }
}

/**
 * Looks for the planned batch first (a re-run of the same attempt finds it and watches it), then
 * creates it with the planned request id, so a retried create returns the first operation
 * instead of making a second batch.
 */
export async function submitBatch(
  client: DataprocClient,
  request: CreateBatchRequest
): Promise<Submission> {
  const name = `${request.parent}/batches/${request.batchId}`
  const existing = await getBatchPatiently(client, name).catch((error: unknown) => {
    if (errorCode(error) === NOT_FOUND) return undefined
    throw error
  })
  if (existing) return reattach(existing, request)
  try {
    const [operation] = await withRetries(() => client.createBatch(request), {
      what: 'CreateBatch'
    })
    const batch = await getBatchPatiently(client, name)
    return { batch, operation: operation.name ?? batch.operation ?? '', reattached: false }
  } catch (error) {
    // Created by a concurrent try of this attempt between our look and our create.
    if (errorCode(error) !== ALREADY_EXISTS) throw error
    return reattach(await getBatchPatiently(client, name), request)
  }
}

export async function getBatch(client: DataprocClient, name: string): Promise<Batch> {
  const [batch] = await client.getBatch({ name })
  return batch
}

/** GetBatch is a read: always safe to repeat. */
const getBatchPatiently = (client: DataprocClient, name: string): Promise<Batch> =>
  withRetries(() => getBatch(client, name), { what: 'GetBatch' })
