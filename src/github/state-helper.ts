import * as core from '@actions/core'
import type { Endpoint } from '../inputs/syntax.js'
import type { Plan } from '../plan/plan.js'

/**
 * What the main step leaves for the post step, which cancels a batch the main step lost. The
 * post step reads only this: never the inputs or the workspace, which may be gone by then.
 */
export interface PostState {
  /** The batch's long-running operation, which cancelling goes through. */
  operation: string
  batchName: string
  region: string
  dataprocEndpoint?: Endpoint
  cancelOnAbort: boolean
}

const KEY = 'kedro-dataproc'
const FINISHED = 'kedro-dataproc-finished'

export function saveSubmitted(plan: Plan, operation: string): void {
  const state: PostState = {
    operation,
    batchName: plan.batch.name,
    region: plan.region,
    dataprocEndpoint: plan.endpoints.dataproc,
    cancelOnAbort: plan.behaviour.cancelOnAbort
  }
  core.saveState(KEY, JSON.stringify(state))
}

/** The main step saw its batch to the end, or does not wait for it: nothing is left to cancel. */
export function saveFinished(): void {
  core.saveState(FINISHED, 'true')
}

/** The batch the main step submitted and lost, if any. */
export function lostBatch(): PostState | undefined {
  const saved = core.getState(KEY)
  if (!saved || core.getState(FINISHED) === 'true') return undefined
  return JSON.parse(saved) as PostState
}
