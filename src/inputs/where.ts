import { registryProblem } from '../dataproc/rules.js'
import { checkRuntime, DEFAULT_RUNTIME, runtime3Problems } from '../dataproc/runtimes.js'
import { RELEASE_PATTERN, RUN_ID_PATTERN } from '../dataproc/names.js'
import type { InputReader } from './reader.js'

export type RunEnv = 'dev' | 'prod'

const PROJECT_PATTERN = /^([a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/
const REGION_PATTERN = /^[a-z]+-[a-z]+[0-9]+$/
const ZONE_PATTERN = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/
const SERVICE_ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9.-]*@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com$/
const RUNTIME_PATTERN = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/
export const REGISTRY_HOST_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/

/** Which run, where in Google Cloud, on which runtime and as whom. */
export interface Where {
  env: RunEnv
  release?: string
  runId?: string
  projectId: string
  region: string
  runSubmitBucket: string
  runOutputBucket: string
  stagingBucket?: string
  serviceAccount?: string
  workloadAuthentication?: 'service-account' | 'end-user'
  runtimeVersion: string
  /** Allowed but ageing: the runtime's end of support is near or past. */
  runtimeWarning?: string
  artifactRegistry: string
}

/** dev or prod, the release a prod run runs, and a run id if one is given. */
function readRun(
  r: InputReader,
  tag: string | undefined
): Pick<Where, 'env' | 'release' | 'runId'> {
  const envValue = r.text('env')
  if (envValue !== 'dev' && envValue !== 'prod')
    r.problem('env', `'${envValue}' is not an environment; use dev or prod`)
  const env: RunEnv = envValue === 'prod' ? 'prod' : 'dev'

  let release = r.optional('release')
  if (env === 'dev' && release)
    r.problem('release', 'only prod runs take a release; remove it, or set env: prod')
  if (env === 'prod' && !release) release = tag
  if (env === 'prod' && !release)
    r.problem(
      'release',
      'a prod run needs the release it runs; set release: v1.2.3 (or run on a tag push)'
    )
  r.check(
    'release',
    release,
    RELEASE_PATTERN,
    'is not a valid release; use letters, digits, . _ - (e.g. v1.2.3)'
  )

  const runId = r.optional('run-id')
  r.check(
    'run-id',
    runId,
    RUN_ID_PATTERN,
    'is not a valid run id; use up to 100 letters, digits, . _ - starting with a letter or digit'
  )
  return { env, release, runId }
}

function readProject(r: InputReader): Pick<Where, 'projectId' | 'region'> {
  const projectId = r.required('project-id', 'set project-id to your Google Cloud project id')
  if (projectId)
    r.check(
      'project-id',
      projectId,
      PROJECT_PATTERN,
      'is not a project id; use the id (e.g. my-project-123), not the name or number'
    )

  const region = r.required('region', 'set region, e.g. europe-west1')
  const zone = ZONE_PATTERN.exec(region)
  if (zone)
    r.problem(
      'region',
      `'${region}' is a zone; Dataproc Serverless runs in a region, e.g. '${zone[1]}'`
    )
  else if (region === 'global')
    r.problem(
      'region',
      "Dataproc Serverless has no 'global' region; use a region such as europe-west1"
    )
  else if (region)
    r.check('region', region, REGION_PATTERN, 'is not a region; use e.g. europe-west1')
  return { projectId, region }
}

function readBuckets(
  r: InputReader
): Pick<Where, 'runSubmitBucket' | 'runOutputBucket' | 'stagingBucket'> {
  const runSubmitBucket =
    r.bucket(
      'run-submit-bucket',
      r.required('run-submit-bucket', 'name the bucket that receives the code and entrypoint')
    ) ?? ''
  const runOutputBucket =
    r.bucket(
      'run-output-bucket',
      r.required('run-output-bucket', 'name the bucket that receives run outputs')
    ) ?? ''
  const stagingBucket = r.bucket('staging-bucket', r.optional('staging-bucket'))
  return { runSubmitBucket, runOutputBucket, stagingBucket }
}

function readRuntime(
  r: InputReader,
  stagingBucket: string | undefined,
  now: Date
): Pick<Where, 'runtimeVersion' | 'runtimeWarning'> {
  const runtimeVersion = r.text('runtime-version') || DEFAULT_RUNTIME
  r.check(
    'runtime-version',
    runtimeVersion,
    RUNTIME_PATTERN,
    `is not a Dataproc Serverless runtime version; use e.g. '${DEFAULT_RUNTIME}'`
  )
  const runtime = RUNTIME_PATTERN.test(runtimeVersion) ? checkRuntime(runtimeVersion, now) : {}
  if (runtime.problem) r.problems.push(runtime.problem)
  r.problems.push(
    ...runtime3Problems(runtimeVersion, {
      stagingBucket,
      historyServerCluster: r.optional('history-server-cluster')
    })
  )
  return { runtimeVersion, runtimeWarning: runtime.warning }
}

function readWorkload(
  r: InputReader,
  serviceAccount: string | undefined
): Where['workloadAuthentication'] {
  const workload = r.optional('workload-authentication')
  if (workload !== undefined && workload !== 'service-account' && workload !== 'end-user')
    r.problem(
      'workload-authentication',
      `'${workload}' is not a choice; use service-account or end-user`
    )
  if (workload === 'service-account' && !serviceAccount)
    r.problem(
      'workload-authentication',
      'service-account needs the service-account input; set it, or remove workload-authentication'
    )
  return workload === 'end-user' ? 'end-user' : serviceAccount ? 'service-account' : undefined
}

function readRegistry(r: InputReader, region: string): string {
  const artifactRegistry = r.text('artifact-registry') || `${region}-docker.pkg.dev`
  // Without a region the default names no host; region's own problem says what to set.
  const checked = r.text('artifact-registry') || region ? artifactRegistry : undefined
  r.check(
    'artifact-registry',
    checked,
    REGISTRY_HOST_PATTERN,
    'is not a registry host; use e.g. europe-west1-docker.pkg.dev (no https://, no path)'
  )
  if (!r.optional('image') && REGISTRY_HOST_PATTERN.test(artifactRegistry)) {
    const rule = registryProblem('artifact-registry', artifactRegistry)
    if (rule) r.problems.push(rule)
  }
  return artifactRegistry
}

/**
 * `tag`: the tag the run was started from, the release of a prod run that names none. Problems
 * are collected in the order of the inputs read.
 */
export function readWhere(r: InputReader, tag: string | undefined, now: Date): Where {
  const run = readRun(r, tag)
  const project = readProject(r)
  const buckets = readBuckets(r)
  const serviceAccount = r.optional('service-account')
  r.check(
    'service-account',
    serviceAccount,
    SERVICE_ACCOUNT_PATTERN,
    'is not a service account email; use NAME@PROJECT.iam.gserviceaccount.com'
  )
  const runtime = readRuntime(r, buckets.stagingBucket, now)
  return {
    ...run,
    ...project,
    ...buckets,
    serviceAccount,
    workloadAuthentication: readWorkload(r, serviceAccount),
    ...runtime,
    artifactRegistry: readRegistry(r, project.region)
  }
}
