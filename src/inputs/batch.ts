import { labelKeyProblem, MAX_LABELS, propertyProblems, SERVICE_LABELS } from '../dataproc/rules.js'
import { LABEL_KEY_PATTERN, LABEL_VALUE_PATTERN } from '../dataproc/names.js'
import type { InputReader } from './reader.js'
import { parseList, parsePairs } from './syntax.js'

/** Keys this action sets itself: a user value would silently fight ours. */
export const RESERVED_LABELS = [
  'managed-by',
  'env',
  'branch',
  'run-id',
  'commit',
  'release',
  'request-id'
]
export const RESERVED_PROPERTY_PREFIXES = [
  'spark.dataproc.driverEnv.KEDRO_DATAPROC_',
  'spark.executorEnv.KEDRO_DATAPROC_'
]

const SPARK_PROPERTY_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]*$/
const NETWORK_TAG_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/
const SUBNETWORK_PATTERN =
  /^([a-z]([-a-z0-9]{0,61}[a-z0-9])?|(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[^/\s]+\/regions\/[^/\s]+\/subnetworks\/[^/\s]+)$/
const KMS_KEY_PATTERN =
  /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/
const METASTORE_PATTERN = /^projects\/[^/\s]+\/locations\/[^/\s]+\/services\/[^/\s]+$/
const HISTORY_CLUSTER_PATTERN = /^projects\/[^/\s]+\/regions\/[^/\s]+\/clusters\/[^/\s]+$/

const TTL_MIN_SECONDS = 10 * 60
const TTL_MAX_SECONDS = 14 * 24 * 60 * 60

/** What the batch carries besides its code: Spark properties, labels, network, limits. */
export interface BatchSettings {
  sparkProperties: Record<string, string>
  labels: Record<string, string>
  subnetwork?: string
  networkTags: string[]
  kmsKey?: string
  ttlSeconds?: number
  metastoreService?: string
  historyServerCluster?: string
}

function sparkProperties(r: InputReader): Record<string, string> {
  const properties: Record<string, string> = {}
  const { pairs, bad } = parsePairs(r.text('spark-properties'))
  for (const line of bad)
    r.problem(
      'spark-properties',
      `'${line}' is not key=value; write one property a line, e.g. spark.executor.instances=10`
    )
  for (const [key, value] of pairs) {
    if (!SPARK_PROPERTY_KEY_PATTERN.test(key))
      r.problem(
        'spark-properties',
        `'${key}' is not a property name; use e.g. spark.executor.memory`
      )
    else if (key in properties)
      r.problem('spark-properties', `'${key}' is set twice; keep one line`)
    else if (RESERVED_PROPERTY_PREFIXES.some(prefix => key.startsWith(prefix)))
      r.problem('spark-properties', `'${key}' is set by the action; remove it`)
    properties[key] = value
  }
  r.problems.push(...propertyProblems(properties))
  return properties
}

function labels(r: InputReader): Record<string, string> {
  const result: Record<string, string> = {}
  const { pairs, bad } = parsePairs(r.text('labels'))
  for (const line of bad)
    r.problem('labels', `'${line}' is not key=value; write one label a line, e.g. team=data`)
  for (const [key, value] of pairs) {
    if (!LABEL_KEY_PATTERN.test(key))
      r.problem(
        'labels',
        `key '${key}' must start with a lowercase letter and use only a-z 0-9 _ - (at most 63)`
      )
    else if (!LABEL_VALUE_PATTERN.test(value))
      r.problem('labels', `value '${value}' of '${key}' must use only a-z 0-9 _ - (at most 63)`)
    else if (labelKeyProblem(key)) r.problems.push(labelKeyProblem(key) as string)
    else if (RESERVED_LABELS.includes(key))
      r.problem('labels', `'${key}' is set by the action; choose another key`)
    else if (key in result) r.problem('labels', `'${key}' is set twice; keep one line`)
    result[key] = value
  }
  const room = MAX_LABELS - RESERVED_LABELS.length - SERVICE_LABELS.length
  const count = Object.keys(result).length
  if (count > room)
    r.problem(
      'labels',
      `${count} labels given; a batch carries at most ${MAX_LABELS}, the action sets ${RESERVED_LABELS.length} and Dataproc adds ${SERVICE_LABELS.length}, so keep at most ${room}`
    )
  return result
}

export function readBatchSettings(r: InputReader): BatchSettings {
  const subnetwork = r.optional('subnetwork')
  r.check(
    'subnetwork',
    subnetwork,
    SUBNETWORK_PATTERN,
    'is not a subnetwork; use its name or projects/P/regions/R/subnetworks/NAME'
  )
  const networkTags = parseList(r.text('network-tags'))
  for (const tag of networkTags)
    r.check(
      'network-tags',
      tag,
      NETWORK_TAG_PATTERN,
      'is not a network tag; use lowercase letters, digits and - (at most 63)'
    )
  const kmsKey = r.optional('kms-key')
  r.check(
    'kms-key',
    kmsKey,
    KMS_KEY_PATTERN,
    'is not a key name; use projects/P/locations/L/keyRings/R/cryptoKeys/K'
  )
  const ttlSeconds = r.duration('ttl', 'use e.g. 45m, 4h or 1d')
  if (ttlSeconds !== undefined && (ttlSeconds < TTL_MIN_SECONDS || ttlSeconds > TTL_MAX_SECONDS))
    r.problem('ttl', `'${r.text('ttl')}' is outside what Dataproc allows; use between 10m and 14d`)
  const metastoreService = r.optional('metastore-service')
  r.check(
    'metastore-service',
    metastoreService,
    METASTORE_PATTERN,
    'is not a metastore service; use projects/P/locations/L/services/NAME'
  )
  const historyServerCluster = r.optional('history-server-cluster')
  r.check(
    'history-server-cluster',
    historyServerCluster,
    HISTORY_CLUSTER_PATTERN,
    'is not a cluster; use projects/P/regions/R/clusters/NAME'
  )
  return {
    sparkProperties: sparkProperties(r),
    labels: labels(r),
    subnetwork,
    networkTags,
    kmsKey,
    ttlSeconds,
    metastoreService,
    historyServerCluster
  }
}
