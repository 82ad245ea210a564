import { parseGcsUri } from '../lib/gcs-uri.js'
import { labelValue } from '../plan/naming.js'
import type { Plan } from '../plan/plan.js'

/** What a cleanup of one dev branch may touch, read from the plan a run of that branch makes. */
export interface CleanupTarget {
  projectId: string
  region: string
  branch: string
  /** The branch's folder in both buckets, and its batches' `branch` label. */
  branchSlug: string
  branchLabel: string
  submitBucket: string
  outputBucket: string
  /** The image repository the action builds into, and the branch's tag; none for a prebuilt image. */
  image?: { repository: string; tag: string }
  /** Outputs are data: deleted only when asked. */
  deleteOutputs: boolean
  /** Finished batch records, deleted only when asked. */
  deleteBatches: boolean
  /** keep-runs: keep the newest N run folders and remove only the older ones (nothing else). */
  keepRuns?: number
}

export class CleanupError extends Error {}

function bucketOf(uri: string): string {
  return parseGcsUri(uri).bucket
}

export function cleanupTarget(
  plan: Plan,
  options: Pick<CleanupTarget, 'deleteOutputs' | 'deleteBatches' | 'keepRuns'>
): CleanupTarget {
  if (plan.env !== 'dev' || !plan.branch)
    throw new CleanupError('only a dev branch is cleaned up; prod releases are never touched')
  // Prod's artifacts live under release/ in the same buckets: a branch of that name would reach them.
  if (plan.branchSlug === 'release')
    throw new CleanupError(
      `branch '${plan.branch}' has the folder release/, where prod releases live; it is not cleaned up`
    )
  const { repository, tag, prebuilt } = plan.image
  return {
    projectId: plan.projectId,
    region: plan.region,
    branch: plan.branch,
    branchSlug: plan.branchSlug,
    branchLabel: labelValue(plan.branchSlug),
    submitBucket: bucketOf(plan.storage.submitPrefix),
    outputBucket: bucketOf(plan.storage.runOutputUri),
    image: !prebuilt && repository && tag ? { repository, tag } : undefined,
    ...options
  }
}
