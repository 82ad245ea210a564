import * as core from '@actions/core'
import type { Endpoint } from '../inputs/syntax.js'
import type { Plan } from '../plan/plan.js'

/**
 * What the main step leaves for the post step, which cancels a batch the main step lost. The
 * post step reads only this: never the inputs or the workspace, which may be gone by then.
 * It is saved before CreateBatch is sent, so a main step killed while the create is in flight
 * still leaves the batch's name behind; the operation follows once the create has answered.
 */
export interface PostState {
  batchName: string
  batchId: string
  /** The batch's page in the Cloud console, for a batch left running. */
  consoleUrl: string
  /** Our CreateBatch's request id, which the batch carries as its `request-id` label. */
  requestId: string
  projectId: string
  region: string
  dataprocEndpoint?: Endpoint
  cancelOnAbort: boolean
  /** The batch's long-running operation, which cancelling goes through; once CreateBatch answered. */
  operation?: string
}

const KEY = 'kedro-dataproc'
const FINISHED = 'kedro-dataproc-finished'

const save = (state: PostState): void => core.saveState(KEY, JSON.stringify(state))

function stateOf(plan: Plan): PostState {
  return {
    batchName: plan.batch.name,
    batchId: plan.batch.id,
    consoleUrl: plan.batch.consoleUrl,
    requestId: plan.batch.request.requestId,
    projectId: plan.projectId,
    region: plan.region,
    dataprocEndpoint: plan.endpoints.dataproc,
    cancelOnAbort: plan.behaviour.cancelOnAbort
  }
}

/** CreateBatch is about to be sent: from now on a batch may exist that the post step must find. */
export function saveSubmitting(plan: Plan): void {
  save(stateOf(plan))
}

export function saveSubmitted(plan: Plan, operation: string): void {
  save({ ...stateOf(plan), operation })
}

/** The main step saw its batch to the end, or does not wait for it: nothing is left to cancel. */
export function saveFinished(): void {
  core.saveState(FINISHED, 'true')
}

/** The batch the main step submitted (or was submitting) and lost, if any. */
export function lostBatch(): PostState | undefined {
  const saved = core.getState(KEY)
  if (!saved || core.getState(FINISHED) === 'true') return undefined
  return JSON.parse(saved) as PostState
}
