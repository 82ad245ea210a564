import type { DataprocClient } from '../../clients/clients.js'
import { errorCode } from '../../lib/errors.js'
import { sleep, withRetries } from '../../lib/retry.js'
import { cancelBatch } from './cancel.js'
import { getBatch, NOT_FOUND, type Batch } from './submit.js'
import { isTerminal, stateOf, type BatchState } from './watch.js'

/** A batch a run lost: its name, and the request id it was created with. */
export interface LostBatch {
  name: string
  requestId: string
  /** Known once CreateBatch answered; unknown when the run died with the create in flight. */
  operation?: string
}

export type OrphanOutcome =
  | { kind: 'cancelled'; batch: Batch }
  | { kind: 'ended'; state: BatchState }
  /** No batch by that name appeared: the create never reached Dataproc. */
  | { kind: 'absent' }
  /** A batch by that name that another request created: not ours to cancel. */
  | { kind: 'foreign' }

/**
 * How long a batch whose CreateBatch was in flight may take to appear: a create that reached the
 * service makes its batch visible within seconds, even when its answer never arrived.
 */
export const CREATE_GRACE_MS = 30_000
const LOOK_EVERY_MS = 2_000

async function find(client: DataprocClient, lost: LostBatch, graceMs: number) {
  const deadline = Date.now() + (lost.operation ? 0 : graceMs)
  for (;;) {
    try {
      return await withRetries(() => getBatch(client, lost.name), { what: 'GetBatch' })
    } catch (error) {
      if (errorCode(error) !== NOT_FOUND) throw error
      if (Date.now() >= deadline) return undefined
      await sleep(LOOK_EVERY_MS)
    }
  }
}

/**
 * Finds a batch that a run lost by its name, and cancels it unless it has ended. The request-id
 * label makes sure it is the run's own batch, not another that reused the id.
 */
export async function cancelOrphan(
  client: DataprocClient,
  lost: LostBatch,
  graceMs = CREATE_GRACE_MS
): Promise<OrphanOutcome> {
  const batch = await find(client, lost, graceMs)
  if (!batch) return { kind: 'absent' }
  if (batch.labels?.['request-id'] !== lost.requestId) return { kind: 'foreign' }
  const state = stateOf(batch)
  if (isTerminal(state) || state === 'CANCELLING') return { kind: 'ended', state }
  await cancelBatch(client, batch.operation ?? lost.operation ?? '')
  return { kind: 'cancelled', batch }
}
