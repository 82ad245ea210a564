import type { Storage } from '@google-cloud/storage'
import { loggingClient, type DataprocClient } from '../clients/clients.js'
import { cancelReason, failureReason } from '../dataproc/failures.js'
import { formatSeconds } from '../dataproc/rules.js'
import { log } from '../lib/log.js'
import { isTransient } from '../lib/retry.js'
import type { Plan } from '../plan/plan.js'
import type { Endpoint } from '../inputs/syntax.js'
import { CloudLoggingOutput, type BatchLog } from '../steps/batch/cloud-logging.js'
import { spendingReason } from '../steps/batch/guard.js'
import { submitBatch, type Submission } from '../steps/batch/submit.js'
import type { UploadProgress } from '../steps/code/upload.js'
import { stateOf, watchBatch, type WatchOptions, type WatchResult } from '../steps/batch/watch.js'
import { batchDuration, type Outcome } from './outcome.js'

/** How a front end takes part in a run: it may abort it and hears of the batch's life. */
export interface DeployHooks {
  /** Aborting cancels the batch (when `cancel-on-abort`), or stops the run before it submits. */
  abort: AbortSignal
  /**
   * CreateBatch is about to be sent: from here until onSubmitted a batch may exist that this
   * process has not heard of yet (what to find it by is in the plan).
   */
  onSubmitting(): void
  /** A batch was submitted or reattached to: what to cancel it by if this process dies. */
  onSubmitted(operation: string): void
  /** The run no longer holds a batch it could lose: it saw its end, or does not wait for it. */
  onSettled(): void
  /** Dataproc accepted the cancel of the batch (after an abort or the timeout). */
  onCancelSent?(): void
  /** A line of driver output, as it arrives. */
  onLine(line: string): void
  /** Ends the error when no credentials are found: how to get them where this front end runs. */
  credentialsHint?: string
  /** How far an upload has got, as its bytes go out; often, so a display must throttle. */
  onUploadProgress?(progress: UploadProgress): void
}

function stateMessage(plan: Plan, result: WatchResult, output: string[]): string {
  const cancelled = result.state === 'CANCELLED'
  if (result.timedOut && cancelled) return 'the batch ran longer than timeout and was cancelled'
  if (result.aborted && cancelled) return 'the run was aborted and the batch cancelled'
  if (result.overSpent && cancelled) return spendingReason(result.overSpent)
  if (cancelled)
    return cancelReason(
      result.batch,
      plan.ttl.seconds === undefined ? undefined : formatSeconds(plan.ttl.seconds)
    )
  if (result.state === 'FAILED') return failureReason(result.batch.stateMessage ?? '', output)
  return result.batch.stateMessage ?? ''
}

/**
 * The reader of a batch's driver output in Cloud Logging (runtime 3.0 and later), for the watch
 * to start once the batch says where it writes; also what the command's `logs` reads.
 */
export const cloudLoggingOf =
  (
    where: Omit<BatchLog, 'since'>,
    endpoint: Endpoint | undefined,
    onLine: (line: string) => void
  ): WatchOptions['cloudLogging'] =>
  batch =>
    new CloudLoggingOutput(
      loggingClient(endpoint),
      { ...where, since: Number(batch.createTime?.seconds ?? 0) * 1000 || Date.now() },
      onLine
    )

/**
 * Creates (or reattaches to) the batch, telling the front end before the create is sent, so a
 * process killed while it is in flight still leaves what to find the batch by.
 */
async function submit(
  plan: Plan,
  dataproc: DataprocClient,
  hooks: DeployHooks
): Promise<Submission> {
  // Cancelled while building or uploading: nothing has been submitted, and nothing will be.
  if (plan.behaviour.cancelOnAbort && hooks.abort.aborted)
    throw new Error('the run was aborted before submission; no batch was submitted')
  hooks.onSubmitting()
  let submission: Submission
  try {
    submission = await submitBatch(dataproc, plan.batch.request)
  } catch (error) {
    // A refusal (not an outage or a lost answer) made no batch of ours: nothing to look for.
    if (!isTransient(error)) hooks.onSettled()
    throw error
  }
  hooks.onSubmitted(submission.operation)
  log.info(
    `${submission.reattached ? 'reattached to' : 'submitted'} batch ${plan.batch.id}: ${plan.batch.consoleUrl}`
  )
  return submission
}

/** Submits (or reattaches to) the planned batch and, unless told not to wait, follows it to its end. */
export async function runBatch(
  plan: Plan,
  clients: { dataproc: DataprocClient; storage: Storage },
  hooks: DeployHooks
): Promise<Outcome> {
  const { behaviour } = plan
  const submission = await submit(plan, clients.dataproc, hooks)
  if (!behaviour.wait) {
    hooks.onSettled()
    return {
      plan,
      batch: submission.batch,
      state: stateOf(submission.batch),
      stateMessage: '',
      driverOutput: [],
      note: 'wait: false — the step did not wait for the batch to end.'
    }
  }
  const output: string[] = []
  const onLine = (line: string): void => {
    hooks.onLine(line)
    output.push(line)
  }
  let result: WatchResult
  try {
    result = await watchBatch({
      client: clients.dataproc,
      storage: clients.storage,
      name: plan.batch.name,
      operation: submission.operation,
      abort: behaviour.cancelOnAbort ? hooks.abort : new AbortController().signal,
      timeoutSeconds: behaviour.timeoutSeconds,
      maxDcuHours: plan.cost.maxDcuHours,
      onLine,
      onCancelSent: hooks.onCancelSent?.bind(hooks),
      cloudLogging: cloudLoggingOf(
        { project: plan.projectId, location: plan.region, batchId: plan.batch.id },
        plan.endpoints.logging,
        onLine
      )
    })
  } finally {
    // The run saw the batch to its end, or failed while watching it (said in its error): either
    // way nothing must cancel a batch this process did not lose.
    hooks.onSettled()
  }
  return {
    plan,
    batch: result.batch,
    state: result.state,
    stateMessage: stateMessage(plan, result, output),
    durationSeconds: batchDuration(result.batch),
    driverOutput: output
  }
}
