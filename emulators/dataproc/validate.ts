import { invalidArgument } from './errors.js'
import { durationSeconds, type CreateBatchRequest, type Batch } from './types.js'

/** Checks a CreateBatch request the way the service does, before anything is stored. */

const BATCH_ID = /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/
const REQUEST_ID = /^[a-zA-Z0-9_-]{1,40}$/
const PARENT = /^projects\/([^/]+)\/locations\/([^/]+)$/
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/
const RUNTIME_VERSION = /^\d+\.\d+(\.\d+)?$/
const MIN_TTL_SECONDS = 10 * 60
const MAX_TTL_SECONDS = 14 * 24 * 60 * 60
const MAX_LABELS = 32

export interface Parent {
  project: string
  location: string
}

export function parseParent(parent: string | undefined): Parent {
  const match = PARENT.exec(parent ?? '')
  if (!match?.[1] || !match[2]) {
    throw invalidArgument(
      `Invalid parent '${parent ?? ''}': expected projects/{project}/locations/{location}.`
    )
  }
  return { project: match[1], location: match[2] }
}

export function validateIds(request: CreateBatchRequest): void {
  if (request.batchId && !BATCH_ID.test(request.batchId)) {
    throw invalidArgument(
      `Batch ID '${request.batchId}' is invalid. Batch ID must be 4 to 63 characters long, ` +
        'contain only lowercase letters, numbers and hyphens, and start and end with a lowercase letter or number ' +
        '(pattern [a-z0-9][a-z0-9-]{2,61}[a-z0-9]).'
    )
  }
  if (request.requestId && !REQUEST_ID.test(request.requestId)) {
    throw invalidArgument(
      `Request ID '${request.requestId}' is invalid. Request ID must contain only letters (a-z, A-Z), ` +
        'numbers (0-9), underscores (_) and hyphens (-), and be at most 40 characters long.'
    )
  }
}

export function validateBatch(batch: Batch | undefined): asserts batch is Batch {
  if (!batch) throw invalidArgument('Batch must be specified.')
  const types = [
    batch.pysparkBatch,
    batch.sparkBatch,
    batch.sparkRBatch,
    batch.sparkSqlBatch
  ].filter(Boolean)
  if (types.length !== 1) {
    throw invalidArgument(
      'Exactly one of pyspark_batch, spark_batch, spark_r_batch or spark_sql_batch must be specified.'
    )
  }
  if (batch.pysparkBatch) {
    const main = batch.pysparkBatch.mainPythonFileUri
    if (!main) throw invalidArgument('Batch pyspark_batch.main_python_file_uri must be specified.')
    if (!/^(gs|file):\/\/./.test(main)) {
      throw invalidArgument(
        `Invalid main_python_file_uri '${main}': expected a gs:// or file:// URI.`
      )
    }
  }
  validateLabels(batch.labels ?? {})
  const version = batch.runtimeConfig?.version
  if (version && !RUNTIME_VERSION.test(version)) {
    throw invalidArgument(`Unsupported runtime version '${version}'.`)
  }
  const execution = batch.environmentConfig?.executionConfig
  if (execution?.ttl) {
    const seconds = durationSeconds(execution.ttl)
    if (seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
      throw invalidArgument(
        `Invalid execution_config.ttl '${seconds}s': the TTL must be between 10 minutes and 14 days.`
      )
    }
  }
  if (execution?.stagingBucket !== undefined && execution.stagingBucket !== '') {
    if (!BUCKET.test(execution.stagingBucket)) {
      throw invalidArgument(
        `Invalid execution_config.staging_bucket '${execution.stagingBucket}': ` +
          'expected a Cloud Storage bucket name, not a gs:// URI or path.'
      )
    }
  }
  if (execution?.networkUri && execution.subnetworkUri) {
    throw invalidArgument(
      'Only one of execution_config.network_uri and execution_config.subnetwork_uri may be set.'
    )
  }
}

function validateLabels(labels: Record<string, string>): void {
  const entries = Object.entries(labels)
  if (entries.length > MAX_LABELS) {
    throw invalidArgument(
      `Too many labels: ${entries.length}; at most ${MAX_LABELS} labels are allowed.`
    )
  }
  for (const [key, value] of entries) {
    if (key.startsWith('goog-')) {
      throw invalidArgument(
        `Invalid label key '${key}': label keys starting with 'goog-' are reserved for Google.`
      )
    }
    if (!LABEL_KEY.test(key)) {
      throw invalidArgument(
        `Invalid label key '${key}': label keys must be 1 to 63 characters long, start with a lowercase letter, ` +
          'and contain only lowercase letters, numbers, underscores and hyphens.'
      )
    }
    if (!LABEL_VALUE.test(value)) {
      throw invalidArgument(
        `Invalid label value '${value}' for key '${key}': label values must be at most 63 characters long ` +
          'and contain only lowercase letters, numbers, underscores and hyphens.'
      )
    }
  }
}
