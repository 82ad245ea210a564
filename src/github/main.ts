import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import * as core from '@actions/core'
import type { Storage } from '@google-cloud/storage'
import {
  deployingIdentity,
  loggingClient,
  loadAccessToken,
  makeDataprocClient,
  makeStorage,
  needsCredentials,
  type DataprocClient
} from '../clients/clients.js'
import { gatherContext, type RunContext } from './context.js'
import { explainError } from '../lib/errors.js'
import { parseInputs, type Config } from '../inputs/inputs.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import { publishReport, publishWithoutBatch } from './publish.js'
import {
  batchDuration,
  printPlan,
  setPlanOutputs,
  setResultOutputs,
  writeDryRunSummary,
  type RunReport
} from '../report/report.js'
import { cancelReason, failureReason } from '../dataproc/failures.js'
import { formatSeconds } from '../dataproc/rules.js'
import { STATE_KEYS } from './state-helper.js'
import { checkForkCode } from './trust.js'
import { secretRules, type SecretRules } from '../steps/secrets.js'
import { readBuildContext, type BuildContext } from '../steps/image/build-context.js'
import { codeUploads, planDevCode, snapshotCode, type CodeArtifacts } from '../steps/code/code.js'
import { isLocalRegistry, prepareImage } from '../steps/image/image.js'
import {
  readManifest,
  releaseConflict,
  sameContent,
  writeManifest,
  type ReleaseManifest
} from '../steps/release/manifest.js'
import { CloudLoggingOutput } from '../steps/batch/cloud-logging.js'
import { submitBatch } from '../steps/batch/submit.js'
import { uploadFiles, type UploadResult } from '../steps/code/upload.js'
import { stateOf, watchBatch } from '../steps/batch/watch.js'
import { ACTION_VERSION } from '../version.js'
import { setLogSink } from '../lib/log.js'
import { actionsLog } from './log-sink.js'

const PREFIX = 'kedro-dataproc-action'

/** `dist/index.js` and `src/main.ts` both sit one level below the action's root. */
const SHIPPED_ENTRYPOINT = fileURLToPath(new URL('../entrypoint/entrypoint.py', import.meta.url))

function showPlan(plan: Plan): void {
  core.startGroup(`Plan: ${plan.env} run ${plan.runId} → batch ${plan.batch.id}`)
  printPlan(plan)
  core.endGroup()
  core.startGroup('CreateBatch request')
  core.info(JSON.stringify(plan.batch.request, null, 2))
  core.endGroup()
}

interface Deployment {
  config: Config
  plan: Plan
  storage: Storage
  accessToken?: string
  abort: AbortSignal
  secrets: SecretRules
}

interface PreparedImage {
  pinned: string
  digest?: string
}

/**
 * The build context, read and checked for private keys before anything is built or uploaded;
 * undefined for a prebuilt image.
 */
async function buildContext({
  config,
  plan,
  secrets
}: Deployment): Promise<BuildContext | undefined> {
  if (plan.image.prebuilt) return undefined
  const context = await readBuildContext(config.buildContext, config.dockerfile, secrets)
  for (const left of context.leftOut) core.info(`not in the image build context: ${left}`)
  return context
}

async function image(
  { config, plan, accessToken }: Deployment,
  context: BuildContext | undefined
): Promise<PreparedImage> {
  if (!context) return { pinned: plan.image.reference }
  const result = await prepareImage({
    repository: plan.image.repository as string,
    tag: plan.image.tag as string,
    dockerfile: config.dockerfile,
    context,
    target: config.target,
    buildArgs: config.buildArgs,
    platform: 'linux/amd64',
    accessToken
  })
  return { pinned: result.pinned, digest: result.digest }
}

function logUploads(uploads: UploadResult[], skipped: string[]): void {
  for (const upload of uploads) {
    core.info(
      `${upload.uploaded ? 'uploaded' : 'unchanged, not uploaded'}: ${upload.uri} (${upload.bytes} bytes)`
    )
  }
  for (const name of skipped) core.info(`not in code.zip: ${name}`)
}

const entrypointOf = (config: Config): string => config.entrypoint ?? SHIPPED_ENTRYPOINT

const snapshot = (d: Deployment): Promise<CodeArtifacts> =>
  snapshotCode(d.config.workingDirectory, entrypointOf(d.config), d.secrets)

/**
 * Dev: the branch's image and code, built and uploaded side by side once both have been read
 * and checked, so a refused file stops the run before either has a side effect.
 */
async function prepareDev(d: Deployment): Promise<PreparedImage> {
  const [context, code] = await Promise.all([
    buildContext(d),
    planDevCode(d.storage, d.plan, d.config.workingDirectory, entrypointOf(d.config), d.secrets)
  ])
  const [built, uploaded] = await Promise.all([image(d, context), code.upload()])
  logUploads(uploaded.uploads, uploaded.skipped)
  return built
}

/**
 * Prod: a release is prepared once and then immutable. Identical content prepares again as a
 * no-op; other content is refused before anything is built or uploaded, unless `force`.
 */
async function prepareRelease(d: Deployment): Promise<ReleaseManifest> {
  const { config, plan, storage } = d
  const manifestUri = plan.storage.manifestUri as string
  const [artifacts, context, existing] = await Promise.all([
    snapshot(d),
    buildContext(d),
    readManifest(storage, manifestUri)
  ])
  if (
    existing &&
    sameContent(existing.manifest, artifacts.code.checksums, artifacts.entrypoint.checksums)
  ) {
    core.info(
      `release ${plan.release} is already prepared with identical content: nothing built or uploaded`
    )
    return existing.manifest
  }
  if (existing && !config.force) throw releaseConflict(existing.manifest)
  if (existing)
    core.warning(
      `force: true: replacing release ${plan.release} (prepared ${existing.manifest.createdAt})`
    )
  const uploads = uploadFiles(storage, codeUploads(plan, artifacts), config.force)
  const [built, uploaded] = await Promise.all([image(d, context), uploads])
  logUploads(uploaded, artifacts.code.skipped)
  const manifest: ReleaseManifest = {
    version: plan.release as string,
    commit: plan.commit,
    image: built.pinned,
    imageDigest: built.digest,
    createdAt: new Date().toISOString(),
    actionVersion: ACTION_VERSION,
    code: {
      uri: plan.storage.codeUri,
      crc32c: artifacts.code.checksums.crc32c,
      bytes: artifacts.code.checksums.bytes
    },
    entrypoint: { uri: plan.storage.entrypointUri, crc32c: artifacts.entrypoint.checksums.crc32c }
  }
  await writeManifest(storage, manifestUri, manifest, existing?.generation)
  core.info(`release ${plan.release} prepared: ${manifestUri}`)
  return manifest
}

/** A trigger runs exactly what the release's manifest pins. */
async function releaseToRun(d: Deployment): Promise<ReleaseManifest> {
  const stored = await readManifest(d.storage, d.plan.storage.manifestUri as string)
  if (!stored) {
    throw new Error(
      `release ${d.plan.release} was never prepared (no ${d.plan.storage.manifestUri}): run this action with prepare: true for it first, e.g. on the tag push`
    )
  }
  return stored.manifest
}

/** Submits (or reattaches to) the batch and, unless told not to wait, follows it to its end. */
async function runBatch(
  d: Deployment,
  client: Promise<DataprocClient>,
  built: PreparedImage
): Promise<RunReport> {
  const { config, plan, storage } = d
  const dataproc = await client
  const request = structuredClone(plan.batch.request)
  request.batch.runtimeConfig.containerImage = built.pinned
  // Cancelled while building or uploading: nothing has been submitted, and nothing will be.
  if (config.cancelOnAbort && d.abort.aborted)
    throw new Error('the run was aborted before submission; no batch was submitted')
  const submission = await submitBatch(dataproc, request)
  core.saveState(STATE_KEYS.operation, submission.operation)
  core.saveState(STATE_KEYS.cancelOnAbort, String(config.cancelOnAbort))
  core.info(
    `${submission.reattached ? 'reattached to' : 'submitted'} batch ${plan.batch.id}: ${plan.batch.consoleUrl}`
  )

  const base = {
    plan,
    image: built.pinned,
    imageDigest: built.digest,
    driverOutput: [] as string[]
  }
  if (!config.wait) {
    core.saveState(STATE_KEYS.finished, 'true')
    return {
      ...base,
      batch: submission.batch,
      state: stateOf(submission.batch),
      stateMessage: '',
      note: 'wait: false — the step did not wait for the batch to end.'
    }
  }

  const output: string[] = []
  const onLine = (line: string): void => {
    printDriverLine(line)
    output.push(line)
  }
  let result
  try {
    result = await watchBatch({
      client: dataproc,
      storage,
      name: plan.batch.name,
      operation: submission.operation,
      abort: config.cancelOnAbort ? d.abort : new AbortController().signal,
      timeoutSeconds: config.timeoutSeconds,
      onLine,
      cloudLogging: batch =>
        new CloudLoggingOutput(
          loggingClient(config),
          {
            project: plan.projectId,
            location: plan.region,
            batchId: plan.batch.id,
            since: Number(batch.createTime?.seconds ?? 0) * 1000 || Date.now()
          },
          onLine
        )
    })
  } finally {
    // The step saw the batch to its end, or failed while watching it (said in its error): either
    // way the post step must not cancel a batch this process did not lose.
    core.saveState(STATE_KEYS.finished, 'true')
  }
  const cancelled = result.state === 'CANCELLED'
  const ttl = plan.ttl.seconds === undefined ? undefined : formatSeconds(plan.ttl.seconds)
  const stateMessage =
    result.timedOut && cancelled
      ? 'the batch ran longer than timeout and was cancelled'
      : result.aborted && cancelled
        ? 'the run was aborted and the batch cancelled'
        : cancelled
          ? cancelReason(result.batch, ttl)
          : result.state === 'FAILED'
            ? failureReason(result.batch.stateMessage ?? '', output)
            : (result.batch.stateMessage ?? '')
  return {
    ...base,
    batch: result.batch,
    state: result.state,
    stateMessage,
    durationSeconds: batchDuration(result.batch),
    driverOutput: output
  }
}

/**
 * Driver output goes to the log as it is, except that a line the runner would take for a workflow
 * command (`::add-mask::`, `::error::`, `::stop-commands::`…) is fenced off so it stays text.
 */
function printDriverLine(line: string): void {
  if (!/^\s*::/.test(line)) {
    core.info(line)
    return
  }
  const token = randomUUID()
  core.info(`::stop-commands::${token}`)
  core.info(line)
  core.info(`::${token}::`)
}

function loadDataproc(config: Config): Promise<DataprocClient> {
  const client = makeDataprocClient(config)
  // A failed prepare returns before anyone awaits the client: its failure must not go unhandled.
  client.catch(() => undefined)
  return client
}

/** Runs the whole flow; a SIGINT or SIGTERM from the runner aborts it and cancels the batch. */
async function deploy(
  config: Config,
  plan: Plan,
  abort: AbortSignal
): Promise<RunReport | undefined> {
  let accessToken: string | undefined
  if (needsCredentials(config, isLocalRegistry(config.artifactRegistry))) {
    try {
      accessToken = await loadAccessToken()
    } catch (error) {
      if (config.onMissingCredentials === 'fail') throw error
      core.notice(`skipped: ${(error as Error).message}`)
      return undefined
    }
    core.setSecret(accessToken)
  }
  const d: Deployment = {
    config,
    plan,
    storage: makeStorage(config),
    accessToken,
    abort,
    secrets: secretRules(config.allowSecretFiles)
  }
  // Preparing starts first and the Dataproc client loads after: the client's loading holds the
  // thread for about a tenth of a second, while the git listing and GCS lookups that preparing
  // has already started go on in other processes.
  if (plan.env === 'dev') {
    const prepared = prepareDev(d)
    const dataproc = loadDataproc(config)
    return runBatch(d, dataproc, await prepared)
  }
  const prepared = config.prepare ? prepareRelease(d) : releaseToRun(d)
  const dataproc = config.submit ? loadDataproc(config) : undefined
  const manifest = await prepared
  const built = { pinned: manifest.image, digest: manifest.imageDigest }
  if (dataproc) return runBatch(d, dataproc, built)
  return {
    plan,
    image: manifest.image,
    imageDigest: manifest.imageDigest,
    state: 'PREPARED',
    stateMessage: '',
    driverOutput: [],
    note: `release ${plan.release} is prepared; no batch was submitted (submit: false).`
  }
}

export async function run(): Promise<void> {
  setLogSink(actionsLog)
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let started: { config: Config; context: RunContext; plan: Plan } | undefined
  try {
    const config = parseInputs(name => core.getInput(name))
    if (config.githubToken) core.setSecret(config.githubToken)
    for (const warning of config.warnings) core.warning(warning)
    const context = await gatherContext(config.workingDirectory)
    checkForkCode(context.eventName, context.fork, config.allowForkCode)
    const plan = buildPlan(config, context)
    started = { config, context, plan }
    showPlan(plan)
    setPlanOutputs(plan)
    const unsubmitted = (state: string, stateMessage: string): RunReport => ({
      plan,
      state,
      stateMessage,
      image: plan.image.reference,
      driverOutput: []
    })
    if (config.dryRun) {
      await writeDryRunSummary(plan)
      core.info('dry-run: nothing was built, uploaded or submitted.')
      await publishWithoutBatch(
        unsubmitted('PLANNED', 'dry run: nothing was built, uploaded or submitted'),
        config,
        context
      )
      return
    }
    const report = await deploy(config, plan, abort.signal)
    if (!report) {
      core.setOutput('state', 'SKIPPED')
      await publishWithoutBatch(
        unsubmitted(
          'SKIPPED',
          'no Google Cloud credentials: nothing was built, uploaded or submitted'
        ),
        config,
        context
      )
      return
    }
    setResultOutputs(report)
    await publishReport(report, config, context)
    if (['SUCCEEDED', 'PREPARED'].includes(report.state) || (!config.wait && !report.stateMessage))
      return
    const verdict = report.state.toLowerCase()
    core.setFailed(
      `${PREFIX}: batch ${plan.batch.id} ${verdict}${report.stateMessage ? `: ${report.stateMessage}` : ''}`
    )
  } catch (error) {
    const message = explainError(error, deployingIdentity())
    core.setFailed(`${PREFIX}: ${message}`)
    // A run that failed before its batch ended still reports what happened.
    if (started) {
      const { config, context, plan } = started
      await publishReport(
        {
          plan,
          state: 'ERROR',
          stateMessage: message,
          image: plan.image.reference,
          driverOutput: []
        },
        config,
        context
      )
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
