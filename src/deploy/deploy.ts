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
import { preflight } from './preflight.js'
import { prepareDev, prepareRelease, releaseToRun, type Preparation } from './prepare.js'
import { errorMessage } from '../lib/errors.js'

export type { DeployHooks }

const NOTHING_DONE = 'nothing was built, uploaded or submitted'

function loadDataproc(plan: Plan): Promise<DataprocClient> {
  return makeDataprocClient(plan.region, plan.endpoints.dataproc)
}

/** Credentials, when the plan needs them; undefined when they are missing and may be. */
async function accessToken(
  plan: Plan,
  hint: string | undefined
): Promise<{ token?: string } | undefined> {
  if (!plan.credentials.needed) return {}
  try {
    const token = await loadAccessToken(hint)
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
 * learns (the pinned image, the batch, its output) comes back in one Outcome. A dry run stops
 * here, before credentials are looked for.
 */
export async function deploy(plan: Plan, hooks: DeployHooks): Promise<Outcome> {
  if (plan.behaviour.dryRun) {
    log.info(`dry-run: ${NOTHING_DONE}.`)
    return outcomeWithoutBatch(plan, 'PLANNED', `dry run: ${NOTHING_DONE}`)
  }
  const credentials = await accessToken(plan, hooks.credentialsHint)
  if (!credentials)
    return outcomeWithoutBatch(plan, 'SKIPPED', `no Google Cloud credentials: ${NOTHING_DONE}`)
  const p: Preparation = {
    plan,
    storage: makeStorage(plan.projectId, plan.endpoints.storage),
    accessToken: credentials.token,
    onUploadProgress: hooks.onUploadProgress?.bind(hooks),
    secrets: secretRules(plan.code.allowSecretFiles),
    signal: hooks.abort
  }
  await preflight(plan, p.storage, credentials.token)
  // The Dataproc client loads once the code is uploaded: loading it holds the main thread for a
  // tenth of a second, which during the upload would slow the upload by as much.
  if (plan.env === 'dev') {
    const prepared = await prepareDev(p)
    return runBatch(prepared, { dataproc: await loadDataproc(plan), storage: p.storage }, hooks)
  }
  const release = { ...p, plan }
  const submitted = await (plan.behaviour.prepare ? prepareRelease(release) : releaseToRun(release))
  if (plan.behaviour.submit)
    return runBatch(submitted, { dataproc: await loadDataproc(plan), storage: p.storage }, hooks)
  return outcomeWithoutBatch(
    submitted,
    'PREPARED',
    '',
    `release ${plan.release} is prepared; no batch was submitted (submit: false).`
  )
}
