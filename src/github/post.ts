import { makeDataprocClient } from '../clients/clients.js'
import { errorMessage } from '../lib/errors.js'
import { log, setLogSink } from '../lib/log.js'
import { cancelOrphan, type OrphanOutcome } from '../steps/batch/orphan.js'
import { actionsLog, fail } from './log-sink.js'
import { lostBatch, type PostState } from './state-helper.js'

function report(lost: PostState, outcome: OrphanOutcome): void {
  const name = lost.batchName
  switch (outcome.kind) {
    case 'cancelled':
      log.warning(`the main step ended before its batch did: cancelled ${name}`)
      return
    case 'ended':
      log.info(`the main step ended before its batch; ${name} is already ${outcome.state}`)
      return
    case 'absent':
      log.info(`the main step ended while submitting; no batch ${name} was created`)
      return
    case 'foreign':
      log.warning(`${name} was created by another request (its request-id differs): left alone`)
  }
}

/**
 * Runs after the main step whatever happened to it. When the main step submitted a batch (or was
 * submitting it) but died before seeing it end (killed by the runner, out of memory), the batch
 * would run on unwatched: find it by name and cancel it.
 */
export async function post(): Promise<void> {
  setLogSink(actionsLog)
  const lost = lostBatch()
  if (!lost) return
  if (!lost.cancelOnAbort) {
    log.info(
      `the main step ended before its batch; cancel-on-abort is false, so batch ${lost.batchId} keeps running: ${lost.consoleUrl}`
    )
    return
  }
  try {
    const client = await makeDataprocClient(lost.region, lost.dataprocEndpoint)
    try {
      report(
        lost,
        await cancelOrphan(client, {
          name: lost.batchName,
          requestId: lost.requestId,
          operation: lost.operation
        })
      )
    } finally {
      await client.close()
    }
  } catch (error) {
    fail(`kedro-dataproc-action (post): could not cancel ${lost.batchName}: ${errorMessage(error)}`)
  }
}
