import { loadAccessToken, makeDataprocClient, makeStorage } from '../clients/clients.js'
import { isLocalRegistry } from '../dataproc/rules.js'
import type { Plan } from '../plan/plan.js'
import { registryClient } from '../steps/image/registry-client.js'
import { firstLine } from '../lib/errors.js'
import { log } from '../lib/log.js'
import { cleanBranch, cleanupLines, type CleanupResult } from './clean.js'
import { cleanupTarget } from './target.js'

/**
 * A cleanup from a plan: the whole branch (`cleanup`), or with `retention` only the run folders
 * past keep-runs. The clients talk to the plan's endpoints; a dry run only lists.
 */
export async function runCleanup(
  plan: Plan,
  mode: 'branch' | 'retention',
  dryRun = plan.behaviour.dryRun
): Promise<CleanupResult> {
  const { deleteOutputs, deleteBatches, keepRuns } = plan.cleanup
  const target = cleanupTarget(plan, {
    deleteOutputs,
    deleteBatches: mode === 'branch' && deleteBatches,
    keepRuns: mode === 'retention' ? keepRuns : undefined
  })
  const { dataproc, storage } = plan.endpoints
  const image = mode === 'branch' ? target.image : undefined
  const token = image && !isLocalRegistry(image.repository) ? await loadAccessToken() : undefined
  return cleanBranch(
    target,
    {
      dataproc: await makeDataprocClient(plan.region, dataproc),
      storage: makeStorage(plan.projectId, storage),
      registry: image ? registryClient(image.repository, token) : undefined
    },
    dryRun
  )
}

/**
 * keep-runs, after a run was submitted: the branch's older run folders go. A failure is a warning:
 * the run itself is what the step reports.
 */
export async function keepNewestRuns(plan: Plan): Promise<void> {
  if (plan.cleanup.keepRuns === undefined || plan.env !== 'dev') return
  try {
    const result = await runCleanup(plan, 'retention')
    for (const line of cleanupLines(result).slice(1, 2)) log.info(`keep-runs: ${line}`)
  } catch (error) {
    log.warning(`keep-runs: the older run folders were not removed (${firstLine(error)})`)
  }
}
