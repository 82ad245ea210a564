import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import {
  effectiveTtl,
  labelKeyProblem,
  MAX_LABELS,
  propertyProblems,
  registryProblem,
  SERVICE_LABELS,
  timeoutWarning
} from '../dataproc/rules.js'
import { checkRuntime, DEFAULT_RUNTIME, majorOf, runtime3Problems } from '../dataproc/runtimes.js'
import { checkKedroRun } from '../kedro/run.js'
import type { ProjectKedro } from '../kedro/project.js'
import {
  IMAGE_TAG_PATTERN,
  LABEL_KEY_PATTERN,
  LABEL_VALUE_PATTERN,
  RELEASE_PATTERN,
  RUN_ID_PATTERN
} from '../plan/naming.js'

export type RunEnv = 'dev' | 'prod'

/** Where a client talks to: a Google endpoint over TLS, or a local one in plaintext without credentials. */
export interface Endpoint {
  host: string
  port: number
  plaintext: boolean
  /** The base URL, for HTTP APIs. */
  url: string
}

export interface Config {
  env: RunEnv
  release?: string
  runId?: string
  kedroRunArgs: string[]
  kedroRunArgsText: string
  /** The Kedro the arguments were checked against, and why that one. */
  kedro: ProjectKedro
  projectId: string
  region: string
  runSubmitBucket: string
  runOutputBucket: string
  serviceAccount?: string
  /** Whose credentials the batch's code runs with; undefined lets the runtime decide. */
  workloadAuthentication?: 'service-account' | 'end-user'
  runtimeVersion: string
  artifactRegistry: string
  artifactRepository?: string
  imageName: string
  imageTag?: string
  image?: string
  sparkProperties: Record<string, string>
  labels: Record<string, string>
  subnetwork?: string
  networkTags: string[]
  kmsKey?: string
  ttlSeconds?: number
  stagingBucket?: string
  metastoreService?: string
  historyServerCluster?: string
  workingDirectory: string
  dataprocEndpoint?: Endpoint
  storageEndpoint?: Endpoint
  /** Cloud Logging's REST API, where runtime 3.0 and later write the driver output. */
  loggingEndpoint?: Endpoint
  dryRun: boolean
  dockerfile: string
  buildContext: string
  buildArgs: Record<string, string>
  target: string
  /** A project's own entrypoint; undefined means the one shipped with the action. */
  entrypoint?: string
  wait: boolean
  timeoutSeconds?: number
  cancelOnAbort: boolean
  onMissingCredentials: 'fail' | 'skip'
  /** prod: build, push and upload the release's artifacts. */
  prepare: boolean
  /** prod: run a batch of the release. */
  submit: boolean
  /** prod: replace a release prepared from other content. */
  force: boolean
  /** A main file baked into the image (`file:///…`) or elsewhere in GCS, instead of the uploaded entrypoint. */
  mainPythonFile?: string
  githubToken: string
  prComment: 'auto' | 'always' | 'never'
  uploadArtifacts: boolean
  /** Absolute paths of files that may ship although they hold a private key. */
  allowSecretFiles: string[]
  /** Run code from a fork on pull_request_target and workflow_run. */
  allowForkCode: boolean
  /** Allowed but risky: shown as warning annotations. */
  warnings: string[]
}

/** Reads one input as the runner passes it: '' when unset. */
export type InputSource = (name: string) => string

/** Names the input and the fix; many of them are gathered into one failure. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `invalid input: ${problems[0]}`
        : `${problems.length} invalid inputs:\n${problems.map(p => `  - ${p}`).join('\n')}`
    )
  }
}

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

const PROJECT_PATTERN = /^([a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/
const REGION_PATTERN = /^[a-z]+-[a-z]+[0-9]+$/
const ZONE_PATTERN = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9_.-]{1,220}[a-z0-9]$/
const SERVICE_ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9.-]*@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com$/
const RUNTIME_PATTERN = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/
const REGISTRY_HOST_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/
const REPOSITORY_PATTERN = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/
const IMAGE_NAME_PATTERN = /^[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/
const IMAGE_REF_PATTERN =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/
const NETWORK_TAG_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/
const SUBNETWORK_PATTERN =
  /^([a-z]([-a-z0-9]{0,61}[a-z0-9])?|(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[^/\s]+\/regions\/[^/\s]+\/subnetworks\/[^/\s]+)$/
const KMS_KEY_PATTERN =
  /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/
const METASTORE_PATTERN = /^projects\/[^/\s]+\/locations\/[^/\s]+\/services\/[^/\s]+$/
const HISTORY_CLUSTER_PATTERN = /^projects\/[^/\s]+\/regions\/[^/\s]+\/clusters\/[^/\s]+$/
const SPARK_PROPERTY_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]*$/

const MAIN_FILE_PATTERN = /^(gs:\/\/[^/\s]+\/\S+|file:\/\/\/\S+)\.py$/
const TARGET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const BUILD_ARG_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/

/** The image is built only by a run that prepares, is not a dry run, and was given no image. */
export const buildsImage = (config: Pick<Config, 'image' | 'dryRun' | 'prepare'>): boolean =>
  !config.image && !config.dryRun && config.prepare

export const DEFAULT_DOCKERFILE = 'deployment/dataproc/serverless/Dockerfile'
/** A project's own entrypoint at this path wins over the one shipped with the action. */
export const PROJECT_ENTRYPOINT = 'deployment/dataproc/entrypoint.py'

const TTL_MIN_SECONDS = 10 * 60
const TTL_MAX_SECONDS = 14 * 24 * 60 * 60

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `45m`, `1h30m`, `14400s`, `2d`: a bare number is refused because its unit would be a guess. */
export function parseDuration(value: string): number | undefined {
  if (!/^([0-9]+[smhd])+$/.test(value)) return undefined
  let seconds = 0
  for (const [, amount, unit] of value.matchAll(/([0-9]+)([smhd])/g)) {
    seconds += Number(amount) * (DURATION_UNITS[unit as string] as number)
  }
  return seconds
}

/** YAML 1.2 core booleans, as `core.getBooleanInput` accepts them. */
function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  return undefined
}

/** `key=value` lines; blank lines and `#` comments are skipped. */
function parsePairs(text: string): { pairs: [string, string][]; bad: string[] } {
  const pairs: [string, string][] = []
  const bad: string[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) bad.push(line)
    else pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()])
  }
  return { pairs, bad }
}

function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map(item => item.trim())
    .filter(Boolean)
}

/**
 * An endpoint input: `http://host:port` means plaintext without credentials (a local stack);
 * `https://host[:port]` or a bare `host[:port]` means TLS.
 */
export function parseEndpoint(value: string, defaultPlaintext: boolean): Endpoint | undefined {
  const withScheme = /^[a-z]+:\/\//.test(value)
    ? value
    : `${defaultPlaintext ? 'http' : 'https'}://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.search || url.hash || url.username) return undefined
  const plaintext = url.protocol === 'http:'
  const port = url.port ? Number(url.port) : plaintext ? 80 : 443
  const path = url.pathname.replace(/\/+$/, '')
  return { host: url.hostname, port, plaintext, url: `${url.protocol}//${url.host}${path}` }
}

export function parseInputs(
  get: InputSource,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date()
): Config {
  const problems: string[] = []
  const input = (name: string): string => get(name).trim()
  const optional = (name: string): string | undefined => input(name) || undefined
  const check = (name: string, value: string | undefined, pattern: RegExp, fix: string): void => {
    if (value !== undefined && !pattern.test(value)) problems.push(`${name}: '${value}' ${fix}`)
  }
  const required = (name: string, fix: string): string => {
    const value = input(name)
    if (!value) problems.push(`${name}: required; ${fix}`)
    return value
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const value = input(name)
    if (!value) return fallback
    const parsed = parseBoolean(value)
    if (parsed === undefined)
      problems.push(`${name}: '${value}' is not a boolean; use true or false`)
    return parsed ?? fallback
  }
  /** A positive duration, or undefined when the input is empty. */
  const duration = (name: string, fix: string): number | undefined => {
    const value = input(name)
    if (!value) return undefined
    const seconds = parseDuration(value)
    if (!seconds) problems.push(`${name}: '${value}' is not a duration; ${fix}`)
    return seconds || undefined
  }
  const bucket = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return value
    if (value.startsWith('gs://')) {
      problems.push(
        `${name}: write the bucket name without gs:// (e.g. '${value.slice(5).split('/')[0]}')`
      )
    } else if (value.includes('/')) {
      problems.push(
        `${name}: '${value}' is a path; give only the bucket name (the action chooses the folders)`
      )
    } else {
      check(
        name,
        value,
        BUCKET_PATTERN,
        'is not a valid bucket name (3–222 lowercase letters, digits, -, _ and .)'
      )
    }
    return value
  }

  const envValue = input('env') || 'dev'
  if (envValue !== 'dev' && envValue !== 'prod') {
    problems.push(`env: '${envValue}' is not an environment; use dev or prod`)
  }
  const runEnv: RunEnv = envValue === 'prod' ? 'prod' : 'dev'

  let release = optional('release')
  if (runEnv === 'dev' && release) {
    problems.push('release: only prod runs take a release; remove it, or set env: prod')
  }
  if (runEnv === 'prod' && !release && env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME) {
    release = env.GITHUB_REF_NAME
  }
  if (runEnv === 'prod' && !release) {
    problems.push(
      'release: a prod run needs the release it runs; set release: v1.2.3 (or run on a tag push)'
    )
  }
  check(
    'release',
    release,
    RELEASE_PATTERN,
    'is not a valid release; use letters, digits, . _ - (e.g. v1.2.3)'
  )

  const runId = optional('run-id')
  check(
    'run-id',
    runId,
    RUN_ID_PATTERN,
    'is not a valid run id; use up to 100 letters, digits, . _ - starting with a letter or digit'
  )

  const kedroRunArgsText = input('kedro-run-args')

  const projectId = required('project-id', 'set project-id to your Google Cloud project id')
  if (projectId)
    check(
      'project-id',
      projectId,
      PROJECT_PATTERN,
      'is not a project id; use the id (e.g. my-project-123), not the name or number'
    )

  const region = required('region', 'set region, e.g. europe-west1')
  const zone = ZONE_PATTERN.exec(region)
  if (zone)
    problems.push(
      `region: '${region}' is a zone; Dataproc Serverless runs in a region, e.g. '${zone[1]}'`
    )
  else if (region === 'global')
    problems.push(
      "region: Dataproc Serverless has no 'global' region; use a region such as europe-west1"
    )
  else if (region) check('region', region, REGION_PATTERN, 'is not a region; use e.g. europe-west1')

  const runSubmitBucket =
    bucket(
      'run-submit-bucket',
      required('run-submit-bucket', 'name the bucket that receives the code and entrypoint')
    ) ?? ''
  const runOutputBucket =
    bucket(
      'run-output-bucket',
      required('run-output-bucket', 'name the bucket that receives run outputs')
    ) ?? ''
  const stagingBucket = bucket('staging-bucket', optional('staging-bucket'))

  const serviceAccount = optional('service-account')
  check(
    'service-account',
    serviceAccount,
    SERVICE_ACCOUNT_PATTERN,
    'is not a service account email; use NAME@PROJECT.iam.gserviceaccount.com'
  )

  const runtimeVersion = input('runtime-version') || DEFAULT_RUNTIME
  check(
    'runtime-version',
    runtimeVersion,
    RUNTIME_PATTERN,
    `is not a Dataproc Serverless runtime version; use e.g. '${DEFAULT_RUNTIME}'`
  )
  const runtime = RUNTIME_PATTERN.test(runtimeVersion) ? checkRuntime(runtimeVersion, now) : {}
  if (runtime.problem) problems.push(runtime.problem)
  const workloadAuthentication = input('workload-authentication') || undefined
  if (
    workloadAuthentication !== undefined &&
    workloadAuthentication !== 'service-account' &&
    workloadAuthentication !== 'end-user'
  ) {
    problems.push(
      `workload-authentication: '${workloadAuthentication}' is not a choice; use service-account or end-user`
    )
  }
  if (workloadAuthentication === 'service-account' && !serviceAccount) {
    problems.push(
      'workload-authentication: service-account needs the service-account input; set it, or remove workload-authentication'
    )
  }

  const artifactRegistry = input('artifact-registry') || `${region}-docker.pkg.dev`
  check(
    'artifact-registry',
    artifactRegistry,
    REGISTRY_HOST_PATTERN,
    'is not a registry host; use e.g. europe-west1-docker.pkg.dev (no https://, no path)'
  )

  const image = optional('image')
  check(
    'image',
    image,
    IMAGE_REF_PATTERN,
    'is not an image reference; use HOST/PATH/NAME:TAG or HOST/PATH/NAME@sha256:DIGEST'
  )

  // Checked only once the reference itself is well formed: one problem an input.
  const registryRule = image
    ? IMAGE_REF_PATTERN.test(image) && registryProblem('image', image.split('/')[0] as string)
    : REGISTRY_HOST_PATTERN.test(artifactRegistry) &&
      registryProblem('artifact-registry', artifactRegistry)
  if (registryRule) problems.push(registryRule)

  const artifactRepository = optional('artifact-repository')
  if (!image && !artifactRepository) {
    problems.push(
      'artifact-repository: required to name the image; set it to your Artifact Registry repository, or give a prebuilt image in image'
    )
  }
  check(
    'artifact-repository',
    artifactRepository,
    REPOSITORY_PATTERN,
    'is not a repository id; use lowercase letters, digits and -'
  )

  const imageName = input('image-name') || 'dataproc-serverless'
  check(
    'image-name',
    imageName,
    IMAGE_NAME_PATTERN,
    'is not an image name; use lowercase letters, digits, separators . _ - and /'
  )

  const imageTag = optional('image-tag')
  check(
    'image-tag',
    imageTag,
    IMAGE_TAG_PATTERN,
    'is not a valid tag; use up to 128 letters, digits, _ . - not starting with . or -'
  )
  if (image && imageTag)
    problems.push(
      'image-tag: has no effect with a prebuilt image; remove image-tag, or tag inside image'
    )

  const sparkProperties: Record<string, string> = {}
  const properties = parsePairs(get('spark-properties'))
  for (const line of properties.bad)
    problems.push(
      `spark-properties: '${line}' is not key=value; write one property a line, e.g. spark.executor.instances=10`
    )
  for (const [key, value] of properties.pairs) {
    if (!SPARK_PROPERTY_KEY_PATTERN.test(key))
      problems.push(
        `spark-properties: '${key}' is not a property name; use e.g. spark.executor.memory`
      )
    else if (key in sparkProperties)
      problems.push(`spark-properties: '${key}' is set twice; keep one line`)
    else if (RESERVED_PROPERTY_PREFIXES.some(prefix => key.startsWith(prefix)))
      problems.push(`spark-properties: '${key}' is set by the action; remove it`)
    sparkProperties[key] = value
  }
  problems.push(...propertyProblems(sparkProperties))

  const labels: Record<string, string> = {}
  const labelPairs = parsePairs(get('labels'))
  for (const line of labelPairs.bad)
    problems.push(`labels: '${line}' is not key=value; write one label a line, e.g. team=data`)
  for (const [key, value] of labelPairs.pairs) {
    if (!LABEL_KEY_PATTERN.test(key))
      problems.push(
        `labels: key '${key}' must start with a lowercase letter and use only a-z 0-9 _ - (at most 63)`
      )
    else if (!LABEL_VALUE_PATTERN.test(value))
      problems.push(`labels: value '${value}' of '${key}' must use only a-z 0-9 _ - (at most 63)`)
    else if (labelKeyProblem(key)) problems.push(labelKeyProblem(key) as string)
    else if (RESERVED_LABELS.includes(key))
      problems.push(`labels: '${key}' is set by the action; choose another key`)
    else if (key in labels) problems.push(`labels: '${key}' is set twice; keep one line`)
    labels[key] = value
  }
  const labelRoom = MAX_LABELS - RESERVED_LABELS.length - SERVICE_LABELS.length
  if (Object.keys(labels).length > labelRoom) {
    problems.push(
      `labels: ${Object.keys(labels).length} labels given; a batch carries at most ${MAX_LABELS}, the action sets ${RESERVED_LABELS.length} and Dataproc adds ${SERVICE_LABELS.length}, so keep at most ${labelRoom}`
    )
  }

  const subnetwork = optional('subnetwork')
  check(
    'subnetwork',
    subnetwork,
    SUBNETWORK_PATTERN,
    'is not a subnetwork; use its name or projects/P/regions/R/subnetworks/NAME'
  )

  const networkTags = parseList(get('network-tags'))
  for (const tag of networkTags)
    check(
      'network-tags',
      tag,
      NETWORK_TAG_PATTERN,
      'is not a network tag; use lowercase letters, digits and - (at most 63)'
    )

  const kmsKey = optional('kms-key')
  check(
    'kms-key',
    kmsKey,
    KMS_KEY_PATTERN,
    'is not a key name; use projects/P/locations/L/keyRings/R/cryptoKeys/K'
  )

  const ttlSeconds = duration('ttl', 'use e.g. 45m, 4h or 1d')
  if (ttlSeconds !== undefined && (ttlSeconds < TTL_MIN_SECONDS || ttlSeconds > TTL_MAX_SECONDS)) {
    problems.push(`ttl: '${input('ttl')}' is outside what Dataproc allows; use between 10m and 14d`)
  }

  const metastoreService = optional('metastore-service')
  check(
    'metastore-service',
    metastoreService,
    METASTORE_PATTERN,
    'is not a metastore service; use projects/P/locations/L/services/NAME'
  )
  const historyServerCluster = optional('history-server-cluster')
  problems.push(...runtime3Problems(runtimeVersion, { stagingBucket, historyServerCluster }))
  check(
    'history-server-cluster',
    historyServerCluster,
    HISTORY_CLUSTER_PATTERN,
    'is not a cluster; use projects/P/regions/R/clusters/NAME'
  )

  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const workingDirectoryInput = input('working-directory') || '.'
  const workingDirectory = isAbsolute(workingDirectoryInput)
    ? workingDirectoryInput
    : resolve(workspace, workingDirectoryInput)
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    problems.push(
      `working-directory: '${workingDirectoryInput}' is not a directory; check out the repository first (actions/checkout) or fix the path`
    )
  }

  const endpoint = (
    name: string,
    envName: string,
    defaultPlaintext: boolean
  ): Endpoint | undefined => {
    const value = input(name) || env[envName] || ''
    if (!value) return undefined
    const parsed = parseEndpoint(value, defaultPlaintext)
    if (!parsed)
      problems.push(
        `${name}: '${value}' is not an endpoint; use https://HOST[:PORT], or http://HOST:PORT for a local emulator`
      )
    return parsed
  }
  // The emulator variables follow Google's convention of a plaintext host:port.
  const dataprocEndpoint = endpoint(
    'dataproc-endpoint',
    'DATAPROC_EMULATOR_HOST',
    !input('dataproc-endpoint')
  )
  const storageEndpoint = endpoint(
    'storage-endpoint',
    'STORAGE_EMULATOR_HOST',
    !input('storage-endpoint')
  )
  const loggingEndpoint = endpoint(
    'logging-endpoint',
    'LOGGING_EMULATOR_HOST',
    !input('logging-endpoint')
  )

  const dryRun = bool('dry-run', false)
  const wait = bool('wait', true)
  const cancelOnAbort = bool('cancel-on-abort', true)
  const onMissing = input('on-missing-credentials') || 'fail'
  if (onMissing !== 'fail' && onMissing !== 'skip') {
    problems.push(`on-missing-credentials: '${onMissing}' is not a choice; use fail or skip`)
  }
  const onMissingCredentials = onMissing === 'skip' ? 'skip' : 'fail'

  const prepare = bool('prepare', true)
  const submit = bool('submit', true)
  const force = bool('force', false)
  if (runEnv === 'dev') {
    if (!prepare)
      problems.push(
        'prepare: only prod runs can skip preparing; a dev run always uploads its code. Remove prepare, or set env: prod'
      )
    if (!submit)
      problems.push(
        'submit: only prod runs can prepare without submitting; remove submit, or set env: prod'
      )
    if (force) problems.push('force: only replaces prod releases; remove force, or set env: prod')
  } else if (!prepare && !submit) {
    problems.push(
      'submit: with prepare: false there is nothing left to do; set prepare or submit to true'
    )
  }
  const githubToken = input('github-token')
  const prCommentValue = input('pr-comment') || 'auto'
  if (!['auto', 'always', 'never'].includes(prCommentValue)) {
    problems.push(`pr-comment: '${prCommentValue}' is not a choice; use auto, always or never`)
  }
  const prComment =
    prCommentValue === 'always' || prCommentValue === 'never' ? prCommentValue : 'auto'
  const uploadArtifacts = bool('upload-artifacts', true)

  const mainPythonFile = optional('main-python-file')
  check(
    'main-python-file',
    mainPythonFile,
    MAIN_FILE_PATTERN,
    'is not a main file URI; use gs://BUCKET/path.py or file:///path/in/image.py (three slashes)'
  )

  const timeoutSeconds = duration('timeout', 'use e.g. 45m or 2h')

  const inProject = (name: string, value: string): string => {
    const path = resolve(workingDirectory, value)
    if (!existsSync(path))
      problems.push(`${name}: '${value}' does not exist under working-directory; fix the path`)
    return path
  }
  const building = buildsImage({ image, dryRun, prepare })
  const dockerfileInput = input('dockerfile') || DEFAULT_DOCKERFILE
  const dockerfile = building
    ? inProject('dockerfile', dockerfileInput)
    : resolve(workingDirectory, dockerfileInput)
  const buildContextInput = input('build-context') || '.'
  const buildContext = building
    ? inProject('build-context', buildContextInput)
    : resolve(workingDirectory, buildContextInput)
  const target = input('target') || runEnv
  check(
    'target',
    target,
    TARGET_PATTERN,
    'is not a stage name; use the name after AS in the Dockerfile'
  )
  // The runner passes action.yml's defaults as if given, so only a changed value counts.
  const buildInputsGiven =
    ![DEFAULT_DOCKERFILE, ''].includes(input('dockerfile')) ||
    !['.', ''].includes(input('build-context')) ||
    input('build-args') !== '' ||
    input('target') !== ''
  if (image && buildInputsGiven) {
    problems.push(
      'image: a prebuilt image is not built; remove dockerfile, build-context, build-args and target, or remove image'
    )
  }
  const buildArgs: Record<string, string> = {}
  const buildArgPairs = parsePairs(get('build-args'))
  for (const line of buildArgPairs.bad)
    problems.push(`build-args: '${line}' is not NAME=value; write one build argument a line`)
  for (const [key, value] of buildArgPairs.pairs) {
    if (!BUILD_ARG_PATTERN.test(key))
      problems.push(`build-args: '${key}' is not a build argument name; use letters, digits and _`)
    buildArgs[key] = value
  }

  const entrypointInput = optional('entrypoint')
  let entrypoint: string | undefined
  if (entrypointInput) {
    entrypoint = inProject('entrypoint', entrypointInput)
    if (!entrypointInput.endsWith('.py'))
      problems.push(
        `entrypoint: '${entrypointInput}' is not a Python file; give the path of a .py file`
      )
  } else if (existsSync(resolve(workingDirectory, PROJECT_ENTRYPOINT))) {
    entrypoint = resolve(workingDirectory, PROJECT_ENTRYPOINT)
  }

  const kedroRun = checkKedroRun(kedroRunArgsText, workingDirectory)
  problems.push(...kedroRun.problems)
  const kedroRunArgs = kedroRun.args

  const allowSecretFiles = parseList(get('allow-secret-files')).map(name =>
    inProject('allow-secret-files', name)
  )
  const allowForkCode = bool('allow-fork-code', false)

  if (problems.length > 0) throw new InputError(problems)

  const warnings: string[] = [...kedroRun.warnings]
  if (image && !image.includes('@sha256:')) {
    warnings.push(
      `image: '${image}' is a tag, which can move while batches use it; pin it by digest (NAME@sha256:…)`
    )
  }
  if (runtime.warning) warnings.push(runtime.warning)
  if (majorOf(runtimeVersion) >= 3 && !serviceAccount && workloadAuthentication !== 'end-user') {
    warnings.push(
      `service-account: not set, so on runtime ${runtimeVersion} the batch runs with the credentials of whoever submits it (this workflow's identity); set service-account, or workload-authentication: end-user to say this is intended`
    )
  }
  const ttlRule = timeoutWarning(timeoutSeconds, effectiveTtl(runtimeVersion, ttlSeconds))
  if (ttlRule) warnings.push(ttlRule)
  if (!wait && timeoutSeconds !== undefined)
    warnings.push('timeout: has no effect with wait: false; the step does not follow the batch')
  if (!cancelOnAbort)
    warnings.push('cancel-on-abort: false lets a batch run on after its workflow run is cancelled')
  if (allowForkCode)
    warnings.push(
      "allow-fork-code: true runs code from forks with this workflow's credentials on pull_request_target and workflow_run"
    )
  for (const file of allowSecretFiles)
    warnings.push(`allow-secret-files: ${file} ships even if it holds a private key`)
  if (force)
    warnings.push(`force: true replaces release ${release} if it was prepared from other content`)
  return {
    env: runEnv,
    release,
    runId,
    kedroRunArgs,
    kedroRunArgsText,
    kedro: kedroRun.kedro,
    projectId,
    region,
    runSubmitBucket,
    runOutputBucket,
    serviceAccount,
    workloadAuthentication:
      workloadAuthentication === 'end-user'
        ? 'end-user'
        : serviceAccount
          ? 'service-account'
          : undefined,
    runtimeVersion,
    artifactRegistry,
    artifactRepository,
    imageName,
    imageTag,
    image,
    sparkProperties,
    labels,
    subnetwork,
    networkTags,
    kmsKey,
    ttlSeconds,
    stagingBucket,
    metastoreService,
    historyServerCluster,
    workingDirectory,
    dataprocEndpoint,
    storageEndpoint,
    loggingEndpoint,
    dryRun,
    dockerfile,
    buildContext,
    buildArgs,
    target,
    entrypoint,
    wait,
    timeoutSeconds,
    cancelOnAbort,
    onMissingCredentials,
    prepare,
    submit,
    force,
    mainPythonFile,
    githubToken,
    prComment,
    uploadArtifacts,
    allowSecretFiles,
    allowForkCode,
    warnings
  }
}
