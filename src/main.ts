import * as core from '@actions/core'
import { fileURLToPath } from 'node:url'
import { loadAccessToken, makeDataprocClient, makeStorage, needsCredentials } from './clients.js'
import { gatherContext } from './context.js'
import { explainError } from './errors.js'
import { parseInputs, type Config } from './inputs.js'
import { buildPlan, type Plan } from './plan.js'
import {
  batchDuration,
  printPlan,
  setPlanOutputs,
  setResultOutputs,
  writeDryRunSummary,
  writeRunSummary,
  type RunReport
} from './report.js'
import { prepareCode } from './steps/code.js'
import { isLocalRegistry, prepareImage } from './steps/image.js'
import { submitBatch } from './steps/submit.js'
import { stateOf, watchBatch } from './steps/watch.js'
import { STATE_KEYS } from './state.js'

const PREFIX = 'kedro-dataproc-action'

/** `dist/index.js` and `src/main.ts` both sit one level below the action's root. */
const SHIPPED_ENTRYPOINT = fileURLToPath(new URL('../entrypoint/entrypoint.py', import.meta.url))

/** How many driver output lines the summary keeps. */
const TAIL_LINES = 60

function showPlan(plan: Plan): void {
  core.startGroup(`Plan: ${plan.env} run ${plan.runId} → batch ${plan.batch.id}`)
  printPlan(plan)
  core.endGroup()
  core.startGroup('CreateBatch request')
  core.info(JSON.stringify(plan.batch.request, null, 2))
  core.endGroup()
}

async function image(
  config: Config,
  plan: Plan,
  accessToken: string | undefined
): Promise<{ pinned: string; digest?: string }> {
  if (plan.image.prebuilt) return { pinned: plan.image.reference }
  const result = await prepareImage({
    repository: plan.image.repository as string,
    tag: plan.image.tag as string,
    dockerfile: config.dockerfile,
    context: config.buildContext,
    target: config.target,
    buildArgs: config.buildArgs,
    platform: 'linux/amd64',
    accessToken
  })
  return { pinned: result.pinned, digest: result.digest }
}

/** Runs the whole flow; a SIGINT or SIGTERM from the runner aborts it and cancels the batch. */
async function deploy(
  config: Config,
  plan: Plan,
  abort: AbortSignal
): Promise<RunReport | undefined> {
  const localRegistry = isLocalRegistry(config.artifactRegistry)
  let accessToken: string | undefined
  if (needsCredentials(config, localRegistry)) {
    try {
      accessToken = await loadAccessToken()
    } catch (error) {
      if (config.onMissingCredentials === 'fail') throw error
      core.notice(`skipped: ${(error as Error).message}`)
      return undefined
    }
    core.setSecret(accessToken)
  }
  const storage = makeStorage(config)
  const dataproc = makeDataprocClient(config)
  const entrypoint = config.entrypoint ?? SHIPPED_ENTRYPOINT

  const [built, code] = await Promise.all([
    image(config, plan, accessToken),
    prepareCode(storage, plan, config.workingDirectory, entrypoint)
  ])
  for (const upload of code.uploads) {
    core.info(
      `${upload.uploaded ? 'uploaded' : 'unchanged, not uploaded'}: ${upload.uri} (${upload.bytes} bytes)`
    )
  }
  for (const skipped of code.skipped) core.info(`not in code.zip: ${skipped}`)

  const request = structuredClone(plan.batch.request)
  request.batch.runtimeConfig.containerImage = built.pinned
  const submission = await submitBatch(dataproc, request)
  core.saveState(STATE_KEYS.operation, submission.operation)
  core.saveState(STATE_KEYS.cancelOnAbort, String(config.cancelOnAbort))
  core.info(
    `${submission.reattached ? 'reattached to' : 'submitted'} batch ${plan.batch.id}: ${plan.batch.consoleUrl}`
  )

  const base = { plan, image: built.pinned, imageDigest: built.digest, driverTail: [] as string[] }
  if (!config.wait) {
    core.saveState(STATE_KEYS.finished, 'true')
    const state = stateOf(submission.batch)
    return {
      ...base,
      batch: submission.batch,
      state,
      stateMessage: '',
      note: 'wait: false — the step did not wait for the batch to end.'
    }
  }

  const tail: string[] = []
  const result = await watchBatch({
    client: dataproc,
    storage,
    name: plan.batch.name,
    operation: submission.operation,
    abort: config.cancelOnAbort ? abort : new AbortController().signal,
    timeoutSeconds: config.timeoutSeconds,
    onLine: line => {
      core.info(line)
      tail.push(line)
      if (tail.length > TAIL_LINES) tail.shift()
    }
  })
  core.saveState(STATE_KEYS.finished, 'true')
  const stateMessage = result.timedOut
    ? `the batch ran longer than timeout and was cancelled${result.batch.stateMessage ? `: ${result.batch.stateMessage}` : ''}`
    : result.aborted
      ? 'the run was aborted and the batch cancelled'
      : (result.batch.stateMessage ?? '')
  return {
    ...base,
    batch: result.batch,
    state: result.state,
    stateMessage,
    durationSeconds: batchDuration(result.batch),
    driverTail: tail
  }
}

export async function run(): Promise<void> {
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const config = parseInputs(name => core.getInput(name))
    const context = await gatherContext(config.workingDirectory)
    const plan = buildPlan(config, context)
    showPlan(plan)
    setPlanOutputs(plan)
    if (config.dryRun) {
      await writeDryRunSummary(plan)
      core.info('dry-run: nothing was built, uploaded or submitted.')
      return
    }
    const report = await deploy(config, plan, abort.signal)
    if (!report) {
      core.setOutput('state', 'SKIPPED')
      return
    }
    setResultOutputs(report)
    await writeRunSummary(report)
    if (report.state === 'SUCCEEDED' || (!config.wait && !report.stateMessage)) return
    const verdict = report.state === 'CANCELLED' ? 'cancelled' : report.state.toLowerCase()
    throw new Error(
      `batch ${plan.batch.id} ${verdict}${report.stateMessage ? `: ${report.stateMessage}` : ''}`
    )
  } catch (error) {
    core.setFailed(`${PREFIX}: ${explainError(error)}`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
