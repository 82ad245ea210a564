/**
 * What Dataproc Serverless itself refuses or decides, checked or computed before anything is paid
 * for: where images may come from, the Spark properties the service validates, the labels it keeps
 * for itself, and the ttl it applies when none is set.
 */

/** Labels the service adds to every batch; they count against the 32 a batch may carry. */
export const SERVICE_LABELS = [
  'goog-dataproc-batch-id',
  'goog-dataproc-batch-uuid',
  'goog-dataproc-location'
]

export const MAX_LABELS = 32

export function labelKeyProblem(key: string): string | undefined {
  return key.startsWith('goog-')
    ? `labels: '${key}' starts with goog-, which Google reserves for its own labels; choose another key`
    : undefined
}

const ARTIFACT_REGISTRY = /^[a-z0-9-]+-docker\.pkg\.dev$/
const CONTAINER_REGISTRY = /^((us|eu|asia)\.)?gcr\.io$/
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/

/** Whether a registry host (or a repository starting with one) is on loopback: 127.0.0.0/8, localhost, [::1]. */
export const isLocalRegistry = (hostOrRepository: string): boolean =>
  LOOPBACK.test(hostOrRepository.split('/')[0] ?? '')

/**
 * Dataproc pulls custom images only from Artifact Registry and Container Registry. A loopback
 * registry (the local stack's) stays allowed for development.
 */
export function registryProblem(input: string, host: string): string | undefined {
  if (ARTIFACT_REGISTRY.test(host) || CONTAINER_REGISTRY.test(host) || LOOPBACK.test(host)) {
    return undefined
  }
  return (
    `${input}: '${host}' is neither Artifact Registry (REGION-docker.pkg.dev) nor Container Registry ` +
    '(gcr.io): Dataproc Serverless pulls custom images only from those; push the image to Artifact Registry'
  )
}

const CORES = ['4', '8', '16']
/** Memory and its overhead per core, in MiB: standard compute tier, and premium. */
const MEMORY_PER_CORE = { min: 1024, standard: 7424, premium: 24576 }
const MIN_EXECUTORS = 2
/** Properties for a YARN or external-shuffle cluster: the service runs Spark its own way. */
const CLUSTER_ONLY = [
  /^spark\.master$/,
  /^spark\.submit\.deployMode$/,
  /^spark\.yarn\./,
  /^spark\.shuffle\.service\./
]

/** Spark's memory syntax (`4g`, `512m`, bytes without a unit) in MiB, or undefined. */
function mebibytes(value: string): number | undefined {
  const match = /^(\d+)([kmgt]?)b?$/i.exec(value.trim())
  if (!match) return undefined
  const factor = { '': 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 }
  return Number(match[1]) * factor[(match[2] ?? '').toLowerCase() as keyof typeof factor]
}

/** The property rules the service checks when a batch is created. */
export function propertyProblems(properties: Record<string, string>): string[] {
  const problems: string[] = []
  for (const key of Object.keys(properties)) {
    if (CLUSTER_ONLY.some(pattern => pattern.test(key))) {
      problems.push(
        `spark-properties: '${key}' is for a YARN or external-shuffle cluster; Dataproc Serverless ` +
          'manages the master, deploy mode and shuffle itself and fails the batch with it: remove it'
      )
    }
  }
  for (const role of ['driver', 'executor']) {
    const cores = properties[`spark.${role}.cores`]
    if (cores !== undefined && !CORES.includes(cores.trim())) {
      problems.push(
        `spark-properties: spark.${role}.cores=${cores}: Dataproc Serverless allows 4, 8 or 16`
      )
    }
    const memory = properties[`spark.${role}.memory`]
    if (memory === undefined) continue
    const mib = mebibytes(memory)
    if (mib === undefined) {
      problems.push(
        `spark-properties: spark.${role}.memory=${memory} is not a size; use e.g. 9g or 9600m`
      )
      continue
    }
    const overhead =
      mebibytes(properties[`spark.${role}.memoryOverhead`] ?? '') ?? Math.max(384, mib * 0.1)
    const perCore = (mib + overhead) / Number(cores ?? '4')
    const premium = properties[`spark.dataproc.${role}.compute.tier`] === 'premium'
    const max = premium ? MEMORY_PER_CORE.premium : MEMORY_PER_CORE.standard
    if (perCore < MEMORY_PER_CORE.min || perCore > max) {
      problems.push(
        `spark-properties: spark.${role}.memory=${memory} with its overhead gives ${Math.round(perCore)}m per core; ` +
          `Dataproc Serverless allows ${MEMORY_PER_CORE.min}m to ${max}m per core${premium ? '' : ' (more with the premium compute tier)'}`
      )
    }
  }
  const instances = properties['spark.executor.instances']
  if (instances !== undefined && !/^\d+$/.test(instances.trim())) {
    problems.push(
      `spark-properties: spark.executor.instances=${instances} is not a whole number of executors`
    )
  } else if (instances !== undefined && Number(instances) < MIN_EXECUTORS) {
    problems.push(
      `spark-properties: spark.executor.instances=${instances}: Dataproc Serverless needs at least ${MIN_EXECUTORS}`
    )
  }
  return problems
}

/** The service's ttl when none is set: 4 hours from runtime 2.1 on; none before. */
const DEFAULT_TTL_SECONDS = 4 * 60 * 60

export interface EffectiveTtl {
  seconds?: number
  source: 'ttl' | 'service default' | 'none'
}

export function effectiveTtl(runtimeVersion: string, ttlSeconds?: number): EffectiveTtl {
  if (ttlSeconds !== undefined) return { seconds: ttlSeconds, source: 'ttl' }
  const [major = 0, minor = 0] = runtimeVersion.split('.').map(Number)
  return major > 2 || (major === 2 && minor >= 1)
    ? { seconds: DEFAULT_TTL_SECONDS, source: 'service default' }
    : { source: 'none' }
}

export function formatSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

/** A `timeout` the batch cannot reach, because the ttl ends it first. */
export function timeoutWarning(
  timeoutSeconds: number | undefined,
  ttl: EffectiveTtl
): string | undefined {
  if (timeoutSeconds === undefined || ttl.seconds === undefined || timeoutSeconds <= ttl.seconds) {
    return undefined
  }
  const why = ttl.source === 'ttl' ? 'ttl' : "Dataproc's default ttl (runtime 2.1 and later)"
  return `timeout: ${formatSeconds(timeoutSeconds)} is longer than ${why} of ${formatSeconds(ttl.seconds)}, which ends the batch first; set ttl to at least the timeout`
}

/** Cloud Storage's own rules, which these inputs would otherwise meet only at the first upload. */
const BUCKET_CHARACTERS = /^[a-z0-9_.-]+$/
const DOTTED_DECIMAL = /^\d{1,3}(\.\d{1,3}){3}$/
/** "google" and close misspellings (g00gle, goog1e): digits read as the letters they imitate. */
const GOOGLE_LIKE = /go{2,}gle/
const BUCKET_FIX = 'use 3–63 lowercase letters, digits, - and _ (up to 222 with dots)'

/** Why Cloud Storage refuses `name` as a bucket name (https://cloud.google.com/storage/docs/buckets#naming), with the fix. */
export function bucketNameProblem(name: string): string | undefined {
  const why = bucketNameRule(name)
  return why && `'${name}' is not a bucket name Cloud Storage allows: ${why}`
}

function bucketNameRule(name: string): string | undefined {
  if (!BUCKET_CHARACTERS.test(name))
    return `it may hold only lowercase letters, digits, -, _ and .; ${BUCKET_FIX}`
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return `it must start and end with a letter or digit; ${BUCKET_FIX}`
  const parts = name.split('.')
  if (name.length < 3 || name.length > (parts.length > 1 ? 222 : 63))
    return `it has ${name.length} characters; ${BUCKET_FIX}`
  if (parts.some(part => part.length > 63))
    return 'each dot-separated part may have at most 63 characters; shorten the longest part'
  if (/\.\.|-\.|\.-/.test(name))
    return "'..', '-.' and '.-' are not allowed (names must be valid DNS names); remove them"
  if (DOTTED_DECIMAL.test(name))
    return 'it is an IP address; name the bucket with letters, not a dotted-decimal address'
  if (name.startsWith('goog')) return "names may not start with 'goog'; choose another name"
  const read = name.replace(/0/g, 'o').replace(/1/g, 'l').replace(/3/g, 'e').replace(/[-_.]/g, '')
  if (GOOGLE_LIKE.test(read))
    return "names may not contain 'google' or a close misspelling of it; choose another name"
  return undefined
}

/** Cloud Storage object names: at most 1,024 bytes of UTF-8. */
export const MAX_OBJECT_NAME_BYTES = 1024

/** The object names (from gs:// URIs) that are longer than Cloud Storage allows. */
export function objectNameProblem(uri: string): string | undefined {
  const name = uri.replace(/^gs:\/\/[^/]+\//, '')
  const bytes = Buffer.byteLength(name, 'utf8')
  return bytes > MAX_OBJECT_NAME_BYTES
    ? `the object name of ${uri.slice(0, 60)}… is ${bytes} bytes; Cloud Storage allows ${MAX_OBJECT_NAME_BYTES}`
    : undefined
}
