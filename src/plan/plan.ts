import { pricesFor, type Prices } from '../dataproc/cost.js'
import { effectiveTtl, objectNameProblem, type EffectiveTtl } from '../dataproc/rules.js'
import type { Config, Endpoints, RunEnv } from '../inputs/config.js'
import { INPUT_NAMES, INPUTS, valueOf } from '../inputs/table.js'
import { formatVersion } from '../kedro/options.js'
import { isLocalRegistry } from '../steps/image/registry-client.js'
import type { RunFacts } from './facts.js'
import { batchId, branchSlug, fit, imageTag, labelValue, requestId, shortHash } from './naming.js'
import { batchRequest, type CreateBatchRequest } from './request.js'

export type { CreateBatchRequest }

/** Everything a run does, decided before it does anything; steps read nothing else. */
export interface Plan {
  env: RunEnv
  projectId: string
  region: string
  branch: string
  branchSlug: string
  commit: string
  runId: string
  release?: string
  image: {
    /** The reference the batch runs: a tag until a build pins it by digest. */
    reference: string
    /** Set once a build has pushed the image: what the batch was submitted with. */
    digest?: string
    /** True when nothing is built: the user gave the image, or a trigger runs the one release.json pins. */
    prebuilt: boolean
    repository?: string
    tag?: string
  }
  /** How the image is built; undefined when this run builds none. */
  build?: {
    dockerfile: string
    context: string
    target: string
    buildArgs: Record<string, string>
    /** `build-secrets`: shown only as `***`. */
    secrets: Record<string, string>
    platform: 'linux/amd64'
    /** `docker build --network`; undefined: Docker's default. */
    network?: 'host' | 'none'
  }
  /** The project's files and the main file uploaded beside them. */
  code: { directory: string; entrypoint: string; allowSecretFiles: string[] }
  storage: {
    submitPrefix: string
    entrypointUri: string
    codeUri: string
    runOutputUri: string
    /** prod: the release manifest. */
    manifestUri?: string
  }
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

/** Tells a failure of the plan (e.g. no branch to name a dev run by) from a bug. */
export class PlanError extends Error {}

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
  const head = config.env === 'prod' ? (config.release as string) : slug
  return fit(`${head.replace(/[^A-Za-z0-9._-]+/g, '-')}-${attempt}`, 100)
}

function storageOf(config: Config, slug: string, runId: string): Plan['storage'] {
  const prod = config.env === 'prod'
  const folder = prod ? `release/${config.release}` : slug
  const submitPrefix = `gs://${config.runSubmitBucket}/${prod ? folder : `${slug}/${runId}`}/`
  return {
    submitPrefix,
    entrypointUri: `${submitPrefix}entrypoint.py`,
    codeUri: `${submitPrefix}code.zip`,
    // No trailing slash: catalogs append `/path` to it.
    runOutputUri: `gs://${config.runOutputBucket}/${folder}/${runId}`,
    manifestUri: prod ? `${submitPrefix}release.json` : undefined
  }
}

/**
 * Every object the run writes fits Cloud Storage's 1,024 bytes, checked before anything is
 * built: a dev folder is named after the branch, which no input limits.
 */
function checkObjectNames(storage: Plan['storage'], branch: string): void {
  const written = [
    storage.entrypointUri,
    storage.codeUri,
    storage.manifestUri,
    `${storage.runOutputUri}/`
  ]
  const problem = written.map(uri => uri && objectNameProblem(uri)).find(Boolean)
  if (problem)
    throw new PlanError(
      `${problem}: the folder is named after the branch (${branch.length} characters) and the run id; use a shorter branch name or run-id`
    )
}

function imageOf(config: Config, slug: string, manifestUri?: string): Plan['image'] {
  if (config.image) return { reference: config.image, prebuilt: true }
  // A trigger without a repository: the image is the one release.json pins, read when it runs.
  if (!config.artifactRepository && manifestUri && !config.prepare)
    return { reference: `the image ${manifestUri} pins`, prebuilt: true }
  const repository = `${config.artifactRegistry}/${config.projectId}/${config.artifactRepository}/${config.imageName}`
  const tag = config.imageTag ?? imageTag(config.env === 'prod' ? (config.release as string) : slug)
  return { reference: `${repository}:${tag}`, prebuilt: false, repository, tag }
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
  const storage = storageOf(config, slug, runId)
  checkObjectNames(storage, branch)
  const image = imageOf(config, slug, storage.manifestUri)
  // Unique per workflow attempt (and per run outside Actions), yet the same on a retry of the attempt.
  const attemptKey = context.runId
    ? [context.repository, context.runId, context.runAttempt, context.job, key, runId]
    : ['local', context.localNonce, key, runId]
  const id = batchId(
    ['kedro', config.env, runId],
    [config.projectId, config.region, ...attemptKey].join('\n')
  )
  const parent = `projects/${config.projectId}/locations/${config.region}`
  const request = batchRequest(config, {
    parent,
    batchId: id,
    requestId: requestId(id),
    mainPythonFileUri: config.mainPythonFile ?? storage.entrypointUri,
    codeUri: storage.codeUri,
    containerImage: image.reference,
    environment: runEnvironment({ ...config, runId, branch, commit: context.commit, storage }),
    labels: labelsOf(config, context, { slug, runId, request: requestId(id) })
  })
  // Planned on a dry run too, so the dry run shows what the real run builds.
  const building = !config.image && config.prepare
  const { endpoints } = config
  return {
    env: config.env,
    projectId: config.projectId,
    region: config.region,
    branch,
    branchSlug: slug,
    commit: context.commit,
    runId,
    release: config.release,
    image,
    build: building
      ? {
          dockerfile: config.dockerfile,
          context: config.buildContext,
          target: config.target,
          buildArgs: config.buildArgs,
          secrets: config.buildSecrets,
          platform: 'linux/amd64',
          network: config.buildNetwork
        }
      : undefined,
    code: {
      directory: config.workingDirectory,
      entrypoint: config.entrypoint ?? context.shippedEntrypoint,
      allowSecretFiles: config.allowSecretFiles
    },
    storage,
    batch: {
      id,
      name: `${parent}/batches/${id}`,
      consoleUrl: `https://console.cloud.google.com/dataproc/batches/${config.region}/${id}/summary?project=${config.projectId}`,
      request
    },
    kedroRunArgs: config.kedroRunArgs,
    kedro: { version: formatVersion(config.kedro.version), reason: config.kedro.reason },
    ttl: effectiveTtl(config.runtimeVersion, config.ttlSeconds),
    endpoints,
    behaviour: {
      dryRun: config.dryRun,
      wait: config.wait,
      timeoutSeconds: config.timeoutSeconds,
      cancelOnAbort: config.cancelOnAbort,
      prepare: config.prepare,
      submit: config.submit,
      force: config.force
    },
    cost: {
      prices: pricesFor(request.batch.runtimeConfig.properties, config.pricing),
      maxDcuHours: config.pricing.maxDcuHours
    },
    cleanup: config.cleanup,
    credentials: {
      // A local stack (plaintext endpoints, a local registry) needs none.
      needed:
        !endpoints.dataproc?.plaintext ||
        !endpoints.storage?.plaintext ||
        (building && !isLocalRegistry(config.artifactRegistry)),
      onMissing: config.onMissingCredentials
    }
  }
}

/** The plan as submitted: the batch runs the image the build pinned by digest. */
export function pinImage(plan: Plan, reference: string, digest?: string): Plan {
  const next = structuredClone(plan)
  next.image = { ...plan.image, reference, digest }
  next.batch.request.batch.runtimeConfig.containerImage = reference
  return next
}
