import { loadAccessToken, makeDataprocClient, makeStorage } from '../clients/clients.js'
import type { Plan } from '../plan/plan.js'
import { isLocalRegistry, registryClient } from '../steps/image/registry-client.js'
import { cleanBranch, type CleanupResult } from './clean.js'
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
