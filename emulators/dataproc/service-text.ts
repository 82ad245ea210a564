import { randomUUID } from 'node:crypto'
import { timestamp, type Batch } from './types.js'

/** What the service fills in and says on its own: default runtime and ttl, failure messages. */

export const DEFAULT_RUNTIME_VERSION = '2.2'
/** The ttl the service sets from runtime 2.1 on when a batch has none: 4 hours. */
const DEFAULT_TTL = { seconds: String(4 * 60 * 60) }
export const QUOTA_FAILURE =
  "Insufficient 'CPUS_ALL_REGIONS' quota. Requested 12.0, available 0.0. Your resource request exceeds your available quota."

function withDefaultTtl(
  environment: Batch['environmentConfig'],
  version: string
): Batch['environmentConfig'] {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  if (environment?.executionConfig?.ttl || major < 2 || (major === 2 && minor < 1)) {
    return environment
  }
  return {
    ...environment,
    executionConfig: { ...environment?.executionConfig, ttl: DEFAULT_TTL }
  }
}

/** The service's message for a driver that failed, with where to look further. */
export function jobFailed(
  batch: Batch,
  project: string,
  location: string,
  detail = 'unknown error'
): string {
  const id = batch.name?.split('/').pop() ?? ''
  return [
    `Job failed with message [${detail}]. Additional details can be found at:`,
    `https://console.cloud.google.com/dataproc/batches/${location}/${id}?project=${project}`,
    `gcloud dataproc batches wait '${id}' --region '${location}' --project '${project}'`,
    ...(batch.runtimeInfo?.outputUri ? [`${batch.runtimeInfo.outputUri}.*`] : [])
  ].join('\n')
}

/** The batch as the service accepts it: its names, defaults and own labels added, PENDING. */
export function acceptedBatch(
  request: Batch,
  ids: { name: string; batchId: string; location: string; operationName: string; now: number }
): Batch {
  const uuid = randomUUID()
  const version = request.runtimeConfig?.version || DEFAULT_RUNTIME_VERSION
  return {
    ...request,
    name: ids.name,
    uuid,
    createTime: timestamp(ids.now),
    runtimeConfig: { ...request.runtimeConfig, version },
    environmentConfig: withDefaultTtl(request.environmentConfig, version),
    labels: {
      ...request.labels,
      'goog-dataproc-batch-id': ids.batchId,
      'goog-dataproc-batch-uuid': uuid,
      'goog-dataproc-location': ids.location
    },
    state: 'PENDING',
    stateMessage: undefined,
    stateTime: timestamp(ids.now),
    operation: ids.operationName,
    stateHistory: []
  }
}
