import { makeDataprocClient } from '../clients/clients.js'
import { log, setLogSink } from '../lib/log.js'
import { cancelBatch } from '../steps/batch/cancel.js'
import { actionsLog, fail } from './log-sink.js'
import { lostBatch } from './state-helper.js'
import { errorMessage } from '../lib/errors.js'

/**
 * Runs after the main step whatever happened to it. When the main step submitted a batch but died
 * before seeing it end (killed by the runner, out of memory), the batch would run on unwatched:
 * cancel it.
 */
export async function post(): Promise<void> {
  setLogSink(actionsLog)
  const lost = lostBatch()
  if (!lost) return
  const { operation } = lost
  if (!lost.cancelOnAbort) {
    log.info(
      `the main step ended before its batch; cancel-on-abort is false, so ${operation} keeps running`
    )
    return
  }
  try {
    await cancelBatch(await makeDataprocClient(lost.region, lost.dataprocEndpoint), operation)
    log.warning(`the main step ended before its batch did: cancelled ${lost.batchName}`)
  } catch (error) {
    fail(`kedro-dataproc-action (post): could not cancel ${operation}: ${errorMessage(error)}`)
  }
}
