import { pricesFor, type Prices } from '../dataproc/cost.js'
import { effectiveTtl, isLocalRegistry, type EffectiveTtl } from '../dataproc/rules.js'
import type { BuildSpec } from '../inputs/build.js'
import type { Config, Endpoints } from '../inputs/config.js'
import { INPUT_NAMES, INPUTS, valueOf } from '../inputs/table.js'
import { formatVersion } from '../kedro/options.js'
import type { RunFacts } from './facts.js'
import {
  checkObjectNames,
  foldersOf,
  imageOf,
  PlanError,
  releaseOf,
  type Folders,
  type PlannedImage
} from './places.js'
import { batchId, branchSlug, fit, labelValue, requestId, shortHash } from './naming.js'
import { batchRequest, type CreateBatchRequest } from './request.js'

export type { CreateBatchRequest }

/** Everything a run does, decided before it does anything; steps read nothing else. */
export type Plan = DevPlan | ProdPlan
export { PlanError, type PlannedImage }

/** A branch's run: its own folder, code and image. */
export interface DevPlan extends PlanBase {
  env: 'dev'
  release?: undefined
  storage: Folders
}

/** A release's run: what its manifest pins, under `release/VERSION/`. */
export interface ProdPlan extends PlanBase {
  env: 'prod'
  release: string
  storage: Folders & { manifestUri: string }
}

interface PlanBase {
  projectId: string
  region: string
  branch: string
  branchSlug: string
  commit: string
  runId: string
  image: PlannedImage
  /** How the image is built (`secrets` shown only as `***`); undefined when this run builds none. */
  build?: BuildSpec & { platform: 'linux/amd64' }
  /** The project's files and the main file uploaded beside them. */
  code: { directory: string; entrypoint: string; allowSecretFiles: string[] }
  batch: {
    id: string
    name: string
    consoleUrl: string
    request: CreateBatchRequest
  }
  kedroRunArgs: string[]
  /** The Kedro the arguments were checked against, and why that one. */
  kedro: { version: string; reason: string }
  /** How long the batch may run before Dataproc ends it, and who decided. */
  ttl: EffectiveTtl
  endpoints: Endpoints
  behaviour: Pick<
    Config,
    'dryRun' | 'wait' | 'timeoutSeconds' | 'cancelOnAbort' | 'prepare' | 'submit' | 'force'
  >
  /** What the batch's usage is priced at, and the DCU-hours past which it is cancelled. */
  cost: { prices: Prices; maxDcuHours?: number }
  /** Whether this is a cleanup of the branch, what it removes, and the runs a branch keeps. */
  cleanup: Config['cleanup']
  /** Whether any call goes to Google, and what to do when no credentials are found. */
  credentials: { needed: boolean; onMissing: 'fail' | 'skip' }
}

/** The environment variables the driver and executors see; the README shows a catalog using them. */
export function runEnvironment(
  plan: Pick<Plan, 'env' | 'runId' | 'branch' | 'commit' | 'release' | 'storage'>
): Record<string, string> {
  const vars: Record<string, string> = {
    KEDRO_DATAPROC_ENV: plan.env,
    KEDRO_DATAPROC_RUN_ID: plan.runId,
    KEDRO_DATAPROC_RUN_OUTPUT_URI: plan.storage.runOutputUri,
    KEDRO_DATAPROC_BRANCH: plan.branch,
    KEDRO_DATAPROC_COMMIT: plan.commit
  }
  if (plan.release) vars.KEDRO_DATAPROC_RELEASE = plan.release
  return vars
}

/**
 * Names the run configuration: the step and every input that shapes the batch (the input
 * table's `shapes` role). The legs of a matrix share a workflow run, attempt and job, so without
 * it they would plan the same folders and batch.
 */
export function configurationKey(config: Pick<Config, 'values' | 'release'>, step: string): string {
  const shaping = INPUT_NAMES.filter(name => INPUTS[name].role === 'shapes').map(name => [
    name,
    name === 'release' ? (config.release ?? '') : valueOf(config.values, name)
  ])
  return shortHash(JSON.stringify([step, shaping]), 6)
}

function defaultRunId(config: Config, context: RunFacts, slug: string, key: string): string {
  const attempt = context.runNumber
    ? `r${context.runNumber}-a${context.runAttempt || '1'}-${key}`
    : `local-${context.localNonce}`
  const head = releaseOf(config) ?? slug
  return fit(`${head.replace(/[^A-Za-z0-9._-]+/g, '-')}-${attempt}`, 100)
}

function labelsOf(
  config: Config,
  context: RunFacts,
  names: { slug: string; runId: string; request: string }
) {
  const labels: Record<string, string> = {
    ...config.labels,
    'managed-by': 'kedro-dataproc-action',
    env: config.env,
    'run-id': labelValue(names.runId),
    'request-id': names.request
  }
  if (context.branch) labels.branch = labelValue(names.slug)
  if (context.commit) labels.commit = labelValue(context.commit)
  if (config.release) labels.release = labelValue(config.release)
  return labels
}

interface Names {
  slug: string
  key: string
  runId: string
  storage: Folders
  image: PlannedImage
}

/** The batch: its id (unique per workflow attempt), its name, and the CreateBatch request. */
function batchOf(config: Config, context: RunFacts, names: Names): PlanBase['batch'] {
  const { slug, key, runId, storage, image } = names
  // Unique per workflow attempt (and per run outside Actions), yet the same on a retry of the attempt.
  const attemptKey = context.runId
    ? [context.repository, context.runId, context.runAttempt, context.job, key, runId]
    : ['local', context.localNonce, key, runId]
  const id = batchId(
    ['kedro', config.env, runId],
    [config.projectId, config.region, ...attemptKey].join('\n')
  )
  const parent = `projects/${config.projectId}/locations/${config.region}`
  const { branch, commit } = context
  const request = batchRequest(config, {
    parent,
    batchId: id,
    requestId: requestId(id),
    mainPythonFileUri: config.mainPythonFile ?? storage.entrypointUri,
    codeUri: storage.codeUri,
    containerImage: image.reference,
    environment: runEnvironment({ ...config, runId, branch, commit, storage }),
    labels: labelsOf(config, context, { slug, runId, request: requestId(id) })
  })
  return {
    id,
    name: `${parent}/batches/${id}`,
    consoleUrl: `https://console.cloud.google.com/dataproc/batches/${config.region}/${id}/summary?project=${config.projectId}`,
    request
  }
}

const behaviourOf = (config: Config): PlanBase['behaviour'] => ({
  dryRun: config.dryRun,
  wait: config.wait,
  timeoutSeconds: config.timeoutSeconds,
  cancelOnAbort: config.cancelOnAbort,
  prepare: config.prepare,
  submit: config.submit,
  force: config.force
})

/** A local stack (plaintext endpoints, a local registry) needs no credentials. */
const credentialsOf = (config: Config, building: boolean): PlanBase['credentials'] => ({
  needed:
    !config.endpoints.dataproc?.plaintext ||
    !config.endpoints.storage?.plaintext ||
    (building && !isLocalRegistry(config.artifactRegistry)),
  onMissing: config.onMissingCredentials
})

/** The dev or prod plan: a prod run has its release and manifest (the inputs require a release). */
function withEnv(config: Config, base: PlanBase, storage: Folders): Plan {
  if (config.env === 'dev') return { ...base, env: 'dev', storage }
  const { manifestUri } = storage
  if (!config.release || !manifestUri)
    throw new PlanError('a prod run needs the release it runs; set release')
  return { ...base, env: 'prod', release: config.release, storage: { ...storage, manifestUri } }
}

export function buildPlan(config: Config, context: RunFacts): Plan {
  const branch = context.branch
  if (config.env === 'dev' && !branch && !context.commit)
    throw new PlanError(
      'could not tell the branch: working-directory is not in a git repository (or it has no commit yet); run in a git checkout of the project (git init, git commit), or set working-directory to one'
    )
  if (config.env === 'dev' && !branch)
    throw new PlanError(
      'could not tell the branch: the checkout is detached and the event names none; run on a pull_request or push event, or check out a branch'
    )
  const slug = branchSlug(branch)
  const key = configurationKey(config, context.step)
  const runId = config.runId ?? defaultRunId(config, context, slug, key)
  const storage = foldersOf(config, slug, runId)
  checkObjectNames(storage, branch)
  const image = imageOf(config, slug, storage.manifestUri)
  // Planned on a dry run too, so the dry run shows what the real run builds.
  const building = !config.image && config.prepare
  const batch = batchOf(config, context, { slug, key, runId, storage, image })
  const base: PlanBase = {
    projectId: config.projectId,
    region: config.region,
    branch,
    branchSlug: slug,
    commit: context.commit,
    runId,
    image,
    build: building ? { ...config.build, platform: 'linux/amd64' } : undefined,
    code: {
      directory: config.workingDirectory,
      entrypoint: config.entrypoint ?? context.shippedEntrypoint,
      allowSecretFiles: config.allowSecretFiles
    },
    batch,
    kedroRunArgs: config.kedroRunArgs,
    kedro: { version: formatVersion(config.kedro.version), reason: config.kedro.reason },
    ttl: effectiveTtl(config.runtimeVersion, config.ttlSeconds),
    endpoints: config.endpoints,
    behaviour: behaviourOf(config),
    cost: {
      prices: pricesFor(batch.request.batch.runtimeConfig.properties, config.pricing),
      maxDcuHours: config.pricing.maxDcuHours
    },
    cleanup: config.cleanup,
    credentials: credentialsOf(config, building)
  }
  return withEnv(config, base, storage)
}

/** The plan as submitted: the batch runs the image the build pinned by digest. */
export function pinImage<P extends Plan>(plan: P, reference: string, digest?: string): P {
  const next = structuredClone(plan)
  next.image = { ...plan.image, reference, digest }
  next.batch.request.batch.runtimeConfig.containerImage = reference
  return next
}
