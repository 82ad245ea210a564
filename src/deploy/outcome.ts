import type { Plan } from '../plan/plan.js'
import type { Batch } from '../steps/batch/submit.js'
import type { BatchState } from '../steps/batch/watch.js'

/** What a run came to without a batch: a dry run, no credentials, a release without a batch, an error. */
export type RunState = 'PLANNED' | 'SKIPPED' | 'PREPARED' | 'ERROR'

/**
 * What a run came to: the one record every front end reports from. `plan` is the plan as
 * submitted (after a build, its image is the digest the batch runs).
 */
export interface Outcome {
  plan: Plan
  state: BatchState | RunState
  stateMessage: string
  batch?: Batch
  durationSeconds?: number
  /** The driver output as it was streamed, line by line. */
  driverOutput: string[]
  note?: string
}

/** An outcome with no batch behind it. */
export const outcomeWithoutBatch = (
  plan: Plan,
  state: RunState,
  stateMessage: string,
  note?: string
): Outcome => ({ plan, state, stateMessage, driverOutput: [], note })

/** Whether the run did what it was asked: a step that did not wait succeeds once it submitted. */
export function succeeded(outcome: Outcome): boolean {
  const done: Outcome['state'][] = ['SUCCEEDED', 'PREPARED', 'PLANNED', 'SKIPPED']
  if (done.includes(outcome.state)) return true
  return !outcome.plan.behaviour.wait && outcome.state !== 'ERROR' && !outcome.stateMessage
}

type Timestamp =
  | { seconds?: number | string | { toString(): string } | null; nanos?: number | null }
  | null
  | undefined

export function toSeconds(time: Timestamp): number | undefined {
  if (!time?.seconds) return undefined
  return Number(String(time.seconds)) + (time.nanos ?? 0) / 1e9
}

/** From creation to the last state change: what the batch cost in wall time. */
export function batchDuration(batch: Batch): number | undefined {
  const start = toSeconds(batch.createTime)
  const end = toSeconds(batch.stateTime)
  return start !== undefined && end !== undefined ? Math.max(0, Math.round(end - start)) : undefined
}
