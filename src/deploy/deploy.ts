import {
  loadAccessToken,
  makeDataprocClient,
  makeStorage,
  type DataprocClient
} from '../clients/clients.js'
import { log } from '../lib/log.js'
import { secretRules } from '../steps/secrets.js'
import type { Plan } from '../plan/plan.js'
import { runBatch, type DeployHooks } from './batch.js'
import { outcomeWithoutBatch, type Outcome } from './outcome.js'
import { prepareDev, prepareRelease, releaseToRun, type Preparation } from './prepare.js'
import { errorMessage } from '../lib/errors.js'

export type { DeployHooks }

function loadDataproc(plan: Plan): Promise<DataprocClient> {
  const client = makeDataprocClient(plan.region, plan.endpoints.dataproc)
  // A failed prepare returns before anyone awaits the client: its failure must not go unhandled.
  client.catch(() => undefined)
  return client
}

/** Credentials, when the plan needs them; undefined when they are missing and may be. */
async function accessToken(plan: Plan): Promise<{ token?: string } | undefined> {
  if (!plan.credentials.needed) return {}
  try {
    const token = await loadAccessToken()
    log.secret(token)
    return { token }
  } catch (error) {
    if (plan.credentials.onMissing === 'fail') throw error
    log.notice(`skipped: ${errorMessage(error)}`)
    return undefined
  }
}

/**
 * Runs the plan: prepares the image and code, submits the batch and follows it. Everything it
 * learns (the pinned image, the batch, its output) comes back in one Outcome.
 */
export async function deploy(plan: Plan, hooks: DeployHooks): Promise<Outcome> {
  const credentials = await accessToken(plan)
  if (!credentials)
    return outcomeWithoutBatch(
      plan,
      'SKIPPED',
      'no Google Cloud credentials: nothing was built, uploaded or submitted'
    )
  const p: Preparation = {
    plan,
    storage: makeStorage(plan.projectId, plan.endpoints.storage),
    accessToken: credentials.token,
    onUploadProgress: hooks.onUploadProgress?.bind(hooks),
    secrets: secretRules(plan.code.allowSecretFiles)
  }
  // Preparing starts first and the Dataproc client loads after: loading it holds the thread
  // while the git listing and GCS lookups that preparing has started go on in other processes.
  if (plan.env === 'dev') {
    const prepared = prepareDev(p)
    const dataproc = loadDataproc(plan)
    return runBatch(await prepared, { dataproc: await dataproc, storage: p.storage }, hooks)
  }
  const prepared = plan.behaviour.prepare ? prepareRelease(p) : releaseToRun(p)
  const dataproc = plan.behaviour.submit ? loadDataproc(plan) : undefined
  const submitted = await prepared
  if (dataproc) return runBatch(submitted, { dataproc: await dataproc, storage: p.storage }, hooks)
  return outcomeWithoutBatch(
    submitted,
    'PREPARED',
    '',
    `release ${plan.release} is prepared; no batch was submitted (submit: false).`
  )
}
