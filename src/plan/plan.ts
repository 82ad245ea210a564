import { effectiveTtl, type EffectiveTtl } from '../dataproc/rules.js'
import { formatVersion } from '../kedro/options.js'
import type { Config } from '../inputs/inputs.js'
import type { RunContext } from '../github/context.js'
import { batchId, branchSlug, fit, imageTag, labelValue, requestId, shortHash } from './naming.js'

/** The CreateBatch request in the shape the Node client takes (camelCase, Duration as seconds). */
export interface CreateBatchRequest {
  parent: string
  batchId: string
  requestId: string
  batch: {
    pysparkBatch: {
      mainPythonFileUri: string
      args: string[]
      archiveUris: string[]
    }
    runtimeConfig: {
      version: string
      containerImage: string
      properties: Record<string, string>
    }
    environmentConfig: {
      executionConfig: {
        serviceAccount?: string
        subnetworkUri?: string
        networkTags?: string[]
        kmsKey?: string
        ttl?: { seconds: number }
        stagingBucket?: string
        authenticationConfig?: {
          userWorkloadAuthenticationType: 'SERVICE_ACCOUNT' | 'END_USER_CREDENTIALS'
        }
      }
      peripheralsConfig?: {
        metastoreService?: string
        sparkHistoryServerConfig?: { dataprocCluster: string }
      }
    }
    labels: Record<string, string>
  }
}

export interface Plan {
  env: 'dev' | 'prod'
  projectId: string
  region: string
  branch: string
  branchSlug: string
  commit: string
  runId: string
  release?: string
  image: {
    /** The reference the batch uses until a build replaces it with a digest. */
    reference: string
    /** True when the user gave a prebuilt image: nothing is built. */
    prebuilt: boolean
    repository?: string
    tag?: string
  }
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
 * Names the run configuration: the step and every input that shapes the batch. The legs of a
 * matrix share a workflow run, attempt and job, so without it they would plan the same folders
 * and batch. Inputs that only change how the step behaves (wait, timeout, dry-run, reporting, the
 * token) are left out, so a dry run plans what the real run does.
 */
export function configurationKey(config: Config, context: RunContext): string {
  const shaping = {
    step: context.step,
    workingDirectory: config.workingDirectory,
    env: config.env,
    release: config.release,
    kedroRunArgs: config.kedroRunArgs,
    image: [
      config.image,
      config.artifactRegistry,
      config.artifactRepository,
      config.imageName,
      config.imageTag
    ],
    build: [config.dockerfile, config.buildContext, config.target, config.buildArgs],
    main: [config.entrypoint, config.mainPythonFile],
    runtime: [
      config.runtimeVersion,
      config.sparkProperties,
      config.serviceAccount,
      config.workloadAuthentication
    ],
    environment: [
      config.subnetwork,
      config.networkTags,
      config.kmsKey,
      config.ttlSeconds,
      config.stagingBucket
    ],
    peripherals: [config.metastoreService, config.historyServerCluster],
    buckets: [config.runSubmitBucket, config.runOutputBucket],
    labels: config.labels
  }
  return shortHash(JSON.stringify(shaping), 6)
}

function defaultRunId(config: Config, context: RunContext, slug: string, key: string): string {
  const attempt = context.runNumber
    ? `r${context.runNumber}-a${context.runAttempt || '1'}-${key}`
    : `local-${context.localNonce}`
  const head = config.env === 'prod' ? (config.release as string) : slug
  return fit(`${head.replace(/[^A-Za-z0-9._-]+/g, '-')}-${attempt}`, 100)
}

function definedEntries<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

export function buildPlan(config: Config, context: RunContext): Plan {
  const branch = context.branch
  if (config.env === 'dev' && !branch) {
    throw new PlanError(
      'could not tell the branch: the checkout is detached and the event names none; run on a pull_request or push event, or check out a branch'
    )
  }
  const slug = branchSlug(branch)
  const key = configurationKey(config, context)
  const runId = config.runId ?? defaultRunId(config, context, slug, key)
  const release = config.release

  const submitPrefix =
    config.env === 'prod'
      ? `gs://${config.runSubmitBucket}/release/${release}/`
      : `gs://${config.runSubmitBucket}/${slug}/${runId}/`
  // No trailing slash: catalogs append `/path` to it.
  const runOutputUri =
    config.env === 'prod'
      ? `gs://${config.runOutputBucket}/release/${release}/${runId}`
      : `gs://${config.runOutputBucket}/${slug}/${runId}`
  const storage = {
    submitPrefix,
    entrypointUri: `${submitPrefix}entrypoint.py`,
    codeUri: `${submitPrefix}code.zip`,
    runOutputUri,
    manifestUri: config.env === 'prod' ? `${submitPrefix}release.json` : undefined
  }

  const repository = config.image
    ? undefined
    : `${config.artifactRegistry}/${config.projectId}/${config.artifactRepository}/${config.imageName}`
  const tag = config.image
    ? undefined
    : (config.imageTag ?? imageTag(config.env === 'prod' ? (release as string) : slug))
  const image = {
    reference: config.image ?? `${repository}:${tag}`,
    prebuilt: config.image !== undefined,
    repository,
    tag
  }

  // Unique per workflow attempt (and per run outside Actions), yet the same on a retry of the attempt.
  const attemptKey = context.runId
    ? [context.repository, context.runId, context.runAttempt, context.job, key, runId]
    : ['local', context.localNonce, key, runId]
  const id = batchId(
    ['kedro', config.env, runId],
    [config.projectId, config.region, ...attemptKey].join('\n')
  )
  const request = requestId(id)

  const labels: Record<string, string> = {
    ...config.labels,
    'managed-by': 'kedro-dataproc-action',
    env: config.env,
    'run-id': labelValue(runId),
    'request-id': request
  }
  if (branch) labels.branch = labelValue(branch)
  if (context.commit) labels.commit = labelValue(context.commit)
  if (release) labels.release = labelValue(release)

  const envVars = runEnvironment({
    env: config.env,
    runId,
    branch,
    commit: context.commit,
    release,
    storage
  })
  const properties: Record<string, string> = { ...config.sparkProperties }
  for (const [name, value] of Object.entries(envVars)) {
    properties[`spark.dataproc.driverEnv.${name}`] = value
    properties[`spark.executorEnv.${name}`] = value
  }

  const peripherals = definedEntries({
    metastoreService: config.metastoreService,
    sparkHistoryServerConfig: config.historyServerCluster
      ? { dataprocCluster: config.historyServerCluster }
      : undefined
  })
  const parent = `projects/${config.projectId}/locations/${config.region}`
  return {
    env: config.env,
    projectId: config.projectId,
    region: config.region,
    branch,
    branchSlug: slug,
    commit: context.commit,
    runId,
    release,
    image,
    storage,
    batch: {
      id,
      name: `${parent}/batches/${id}`,
      consoleUrl: `https://console.cloud.google.com/dataproc/batches/${config.region}/${id}/summary?project=${config.projectId}`,
      request: {
        parent,
        batchId: id,
        requestId: request,
        batch: {
          pysparkBatch: {
            mainPythonFileUri: config.mainPythonFile ?? storage.entrypointUri,
            // The words go after `--` one by one, so their quoting reaches Kedro unchanged.
            args: ['--', ...config.kedroRunArgs],
            archiveUris: [`${storage.codeUri}#code`]
          },
          runtimeConfig: {
            version: config.runtimeVersion,
            containerImage: image.reference,
            properties
          },
          environmentConfig: definedEntries({
            executionConfig: definedEntries({
              serviceAccount: config.serviceAccount,
              subnetworkUri: config.subnetwork,
              networkTags: config.networkTags.length > 0 ? config.networkTags : undefined,
              kmsKey: config.kmsKey,
              ttl: config.ttlSeconds !== undefined ? { seconds: config.ttlSeconds } : undefined,
              stagingBucket: config.stagingBucket,
              // Unset, runtime 3.0 runs the job with the submitter's own credentials.
              authenticationConfig: config.workloadAuthentication
                ? {
                    userWorkloadAuthenticationType:
                      config.workloadAuthentication === 'end-user'
                        ? 'END_USER_CREDENTIALS'
                        : 'SERVICE_ACCOUNT'
                  }
                : undefined
            }),
            peripheralsConfig: Object.keys(peripherals).length > 0 ? peripherals : undefined
          }),
          labels
        }
      }
    },
    kedroRunArgs: config.kedroRunArgs,
    kedro: { version: formatVersion(config.kedro.version), reason: config.kedro.reason },
    ttl: effectiveTtl(config.runtimeVersion, config.ttlSeconds)
  }
}
