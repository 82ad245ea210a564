/** `kedro-dataproc logs BATCH` and `cancel BATCH`: an existing batch, found by id or by name. */
import { makeDataprocClient, makeStorage, type DataprocClient } from '../clients/clients.js'
import { BATCH_ID_PATTERN } from '../dataproc/names.js'
import { cloudLoggingOf } from '../deploy/batch.js'
import type { Endpoints } from '../inputs/config.js'
import { readEndpoints } from '../inputs/behaviour.js'
import { InputError, InputReader } from '../inputs/reader.js'
import type { InputValues } from '../inputs/table.js'
import { log } from '../lib/log.js'
import { sleep } from '../lib/retry.js'
import { cancelBatch } from '../steps/batch/cancel.js'
import { getBatch, type Batch } from '../steps/batch/submit.js'
import { isTerminal, stateOf, watchBatch } from '../steps/batch/watch.js'
import { UsageError } from './args.js'
import type { Result } from './result.js'
import { checkCredentials } from './session.js'

export interface Located {
  name: string
  id: string
  projectId: string
  region: string
  endpoints: Endpoints
}

const BATCH_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/batches\/([^/]+)$/

/**
 * A full batch name carries its project and region; a bare id takes them from the settings, as
 * `run` does. Problems are usage or input errors: nothing has been asked of Dataproc yet.
 */
export function locateBatch(batch: string, values: InputValues, env: NodeJS.ProcessEnv): Located {
  const r = new InputReader(values, env)
  const endpoints = readEndpoints(r)
  const full = BATCH_NAME.exec(batch)
  const id = full ? (full[3] as string) : batch
  if (!BATCH_ID_PATTERN.test(id))
    throw new UsageError(
      `'${batch}' is not a batch: give its id (4–63 lowercase letters, digits and -) or its name projects/P/locations/R/batches/ID`
    )
  const fix = 'or give the batch as projects/P/locations/R/batches/ID'
  const projectId = full ? (full[1] as string) : r.required('project-id', `set project-id, ${fix}`)
  const region = full ? (full[2] as string) : r.required('region', `set region, ${fix}`)
  if (r.problems.length > 0) throw new InputError(r.problems)
  return {
    name: `projects/${projectId}/locations/${region}/batches/${id}`,
    id,
    projectId,
    region,
    endpoints
  }
}

/** `reads`: what the command reads besides Dataproc, so what it needs credentials for too. */
async function withClient<T>(
  located: Located,
  reads: readonly 'storage'[],
  use: (client: DataprocClient, batch: Batch) => Promise<T>
): Promise<T> {
  const { endpoints } = located
  const reached = [endpoints.dataproc, ...reads.map(name => endpoints[name])]
  if (reached.some(endpoint => !endpoint?.plaintext)) await checkCredentials()
  const client = await makeDataprocClient(located.region, endpoints.dataproc)
  try {
    return await use(client, await getBatch(client, located.name))
  } finally {
    await client.close()
  }
}

const resultOf = (located: Located, batch: Batch, exitCode: number): Result => ({
  exitCode,
  json: {
    batchId: located.id,
    batchName: located.name,
    state: stateOf(batch),
    stateMessage: batch.stateMessage ?? ''
  }
})

/**
 * Follows the batch to its end, printing its whole driver output from the start; the status is
 * the batch's (0 when it succeeded). Ctrl-C only stops following: the batch is not touched.
 */
export function logsCommand(located: Located, onLine: (line: string) => void): Promise<Result> {
  return withClient(located, ['storage'], async (client, batch) => {
    const result = await watchBatch({
      client,
      storage: makeStorage(located.projectId, located.endpoints.storage),
      name: located.name,
      operation: batch.operation ?? '',
      abort: new AbortController().signal,
      onLine,
      cloudLogging: cloudLoggingOf(
        { project: located.projectId, location: located.region, batchId: located.id },
        located.endpoints.logging,
        onLine
      )
    })
    return resultOf(located, result.batch, result.state === 'SUCCEEDED' ? 0 : 1)
  })
}

/** How long `cancel` waits to see the batch CANCELLED: Dataproc takes a minute or two at worst. */
const CANCEL_WAIT_MS = 10 * 60_000

/** Cancels the batch and waits for its end; a batch that had already ended is left as it is. */
export function cancelCommand(located: Located): Promise<Result> {
  // Dataproc alone: a cancel reads no driver output.
  return withClient(located, [], async (client, first) => {
    let batch = first
    if (isTerminal(stateOf(batch))) {
      log.info(`batch ${located.id} already ended ${stateOf(batch)}: nothing to cancel`)
      return resultOf(located, batch, 0)
    }
    await cancelBatch(client, batch.operation ?? '')
    log.info(`cancelling batch ${located.id}`)
    const deadline = Date.now() + CANCEL_WAIT_MS
    while (!isTerminal(stateOf(batch)) && Date.now() < deadline) {
      await sleep(1000)
      batch = await getBatch(client, located.name)
    }
    log.info(`batch ${located.id} ${stateOf(batch)}`)
    return resultOf(located, batch, stateOf(batch) === 'CANCELLED' ? 0 : 1)
  })
}
