import * as core from '@actions/core'
import { setLogSink } from '../lib/log.js'
import { actionsLog } from './log-sink.js'
import { makeDataprocClient } from '../clients/clients.js'
import { parseInputs } from '../inputs/inputs.js'
import { cancelBatch } from '../steps/batch/cancel.js'
import { STATE_KEYS } from './state-helper.js'

/**
 * Runs after the main step whatever happened to it. When the main step submitted a batch but died
 * before seeing it end (killed by the runner, out of memory), the batch would run on unwatched:
 * cancel it.
 */
export async function post(): Promise<void> {
  setLogSink(actionsLog)
  const operation = core.getState(STATE_KEYS.operation)
  if (!operation || core.getState(STATE_KEYS.finished) === 'true') return
  if (core.getState(STATE_KEYS.cancelOnAbort) === 'false') {
    core.info(
      `the main step ended before its batch; cancel-on-abort is false, so ${operation} keeps running`
    )
    return
  }
  try {
    const config = parseInputs(name => core.getInput(name))
    await cancelBatch(await makeDataprocClient(config), operation)
    core.warning(`the main step ended before its batch did: cancelled ${operation}`)
  } catch (error) {
    core.setFailed(
      `kedro-dataproc-action (post): could not cancel ${operation}: ${(error as Error).message}`
    )
  }
}
