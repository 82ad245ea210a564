/**
 * What can be proven about the run's places before anything is built or uploaded: that its
 * buckets exist and the code can be written, and that the image's repository exists. One cheap
 * request each; a problem names the input and the fix.
 */
import type { Storage } from '@google-cloud/storage'
import { checkRepository } from '../clients/artifact-registry.js'
import { errorMessage, httpStatus } from '../lib/errors.js'
import { parseGcsUri } from '../lib/gcs-uri.js'
import { log } from '../lib/log.js'
import type { InputName } from '../inputs/table.js'
import type { Plan } from '../plan/plan.js'

interface BucketNeed {
  input: InputName
  bucket: string
  /** What the deploying identity must be allowed; none: only that the bucket exists. */
  permissions: string[]
}

/**
 * The deploying identity writes and reads the code; the outputs and staging files are written
 * by the batch's service account, whose rights no request of ours can test: for those buckets,
 * only that they exist.
 */
function bucketNeeds(plan: Plan): BucketNeed[] {
  const writes = plan.env === 'dev' || plan.behaviour.prepare
  const needs: BucketNeed[] = [
    {
      input: 'run-submit-bucket',
      bucket: parseGcsUri(plan.storage.submitPrefix).bucket,
      permissions: writes
        ? ['storage.objects.create', 'storage.objects.get']
        : ['storage.objects.get']
    },
    {
      input: 'run-output-bucket',
      bucket: parseGcsUri(plan.storage.runOutputUri).bucket,
      permissions: []
    }
  ]
  const staging = plan.batch.request.batch.environmentConfig?.executionConfig?.stagingBucket
  if (staging) needs.push({ input: 'staging-bucket', bucket: staging, permissions: [] })
  return needs
}

/** storage.buckets.testIamPermissions: answers for any caller, and 404 for a missing bucket. */
async function checkBucket(storage: Storage, need: BucketNeed): Promise<void> {
  let granted: Record<string, boolean>
  try {
    const asked = need.permissions.length ? need.permissions : ['storage.objects.get']
    ;[granted] = await storage.bucket(need.bucket).iam.testPermissions(asked)
  } catch (error) {
    if (httpStatus(error) === 404)
      throw new Error(
        `${need.input}: bucket '${need.bucket}' does not exist; create it (gcloud storage buckets create gs://${need.bucket}) or name an existing one`
      )
    throw new Error(
      `${need.input}: could not check bucket '${need.bucket}': ${errorMessage(error)}`
    )
  }
  const missing = need.permissions.filter(permission => !granted[permission])
  if (missing.length > 0)
    throw new Error(
      `${need.input}: the deploying identity may not write the code to bucket '${need.bucket}' (lacks ${missing.join(', ')}); grant it roles/storage.objectAdmin on the bucket`
    )
}

async function checkImageRepository(plan: Plan, accessToken: string | undefined): Promise<void> {
  if (!plan.build || !plan.image.repository) return
  const found = await checkRepository(plan.image.repository, accessToken)
  if (found.kind === 'missing')
    throw new Error(
      `artifact-repository: Artifact Registry has no repository '${found.repository}' in ${found.project}/${found.location}; create it (gcloud artifacts repositories create ${found.repository} --repository-format=docker --location=${found.location} --project=${found.project}) or fix artifact-repository`
    )
  // A registry with no repository API (the local stack's) creates repositories on first push.
  if (found.kind === 'unknown' && !/not an Artifact Registry/.test(found.why))
    log.info(`could not check that the image repository exists: ${found.why}`)
}

/** Every check at once; the first problem stops the run before anything is built or uploaded. */
export async function preflight(
  plan: Plan,
  storage: Storage,
  accessToken: string | undefined
): Promise<void> {
  await Promise.all([
    ...bucketNeeds(plan).map(need => checkBucket(storage, need)),
    checkImageRepository(plan, accessToken)
  ])
}
