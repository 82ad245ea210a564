import { fileURLToPath } from 'node:url'
import { deployingIdentity } from '../clients/clients.js'
import type { DeployHooks } from '../deploy/deploy.js'
import type { Outcome } from '../deploy/outcome.js'
import { errorOutcome, failureMessage, runPlan } from '../deploy/run.js'
import type { Config } from '../inputs/config.js'
import { parseInputs } from '../inputs/parse.js'
import { kedroPreflight } from '../kedro/preflight.js'
import { explainError } from '../lib/errors.js'
import { log, setLogSink } from '../lib/log.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import { maskPlanSecrets, redactInputs, redactOutcome, redactPlan } from '../report/redact.js'
import { formatRows, planRows } from '../report/rows.js'
import { gatherRunFacts, type ActionFacts } from './facts.js'
import { cleanupStep } from './cleanup.js'
import { actionInputs, runnerFacts } from './inputs.js'
import { actionsLog, fail } from './log-sink.js'
import { setOutputs } from './outputs.js'
import { publish } from './publish.js'
import { saveFinished, saveSubmitted, saveSubmitting } from './state-helper.js'
import { checkForkCode, holdsForkCode } from './trust.js'

const PREFIX = 'kedro-dataproc-action'

/** `dist/index.js` sits one level below the action's root, beside `entrypoint/`. */
const SHIPPED_ENTRYPOINT = fileURLToPath(new URL('../entrypoint/entrypoint.py', import.meta.url))

async function showPlan(plan: Plan): Promise<void> {
  await log.group(`Plan: ${plan.env} run ${plan.runId} → batch ${plan.batch.id}`, async () => {
    for (const line of formatRows(planRows(plan))) log.info(line)
  })
  await log.group('CreateBatch request', async () => {
    // JSON escapes newlines inside strings, so these are the request's own lines.
    for (const line of JSON.stringify(plan.batch.request, null, 2).split('\n')) log.info(line)
  })
}

interface Planned {
  config: Config
  facts: ActionFacts
  plan: Plan
}

async function planned(): Promise<Planned> {
  const config = parseInputs(actionInputs(), runnerFacts())
  if (config.report.githubToken) log.secret(config.report.githubToken)
  for (const warning of config.warnings) log.warning(warning)
  const facts = await gatherRunFacts(config.workingDirectory)
  checkForkCode(facts.eventName, facts.fork, config.allowForkCode)
  const plan = buildPlan(config, { ...facts, shippedEntrypoint: SHIPPED_ENTRYPOINT })
  maskPlanSecrets(plan)
  return { config, facts, plan }
}

function hooks(plan: Plan, abort: AbortSignal): DeployHooks {
  return {
    abort,
    // The plan as submitted names the same batch: its name and request id never change.
    onSubmitting: () => saveSubmitting(plan),
    onSubmitted: operation => saveSubmitted(plan, operation),
    onSettled: saveFinished,
    onLine: log.output
  }
}

/**
 * The pre-flight (the project's own checks, not run on code that may be a fork's), then the
 * core's run; a refusal is reported like any other failed run.
 */
async function checkedRun(started: Planned, abort: AbortSignal): Promise<Outcome> {
  const { config, facts, plan } = started
  await showPlan(redactPlan(plan))
  try {
    await kedroPreflight(config, plan, !holdsForkCode(facts.fork))
  } catch (error) {
    return errorOutcome(plan, error)
  }
  return runPlan(plan, hooks(plan, abort))
}

/** Inputs and planning; a problem there fails the step with nothing to report. */
async function plannedOrFailed(): Promise<Planned | undefined> {
  try {
    return await planned()
  } catch (error) {
    fail(`${PREFIX}: ${explainError(error, deployingIdentity())}`)
    return undefined
  }
}

/** `cleanup: true`: the branch's batches, folders and image go, instead of a run. */
async function cleanedOrFailed({ config, facts, plan }: Planned): Promise<void> {
  try {
    await cleanupStep(plan, config, facts)
  } catch (error) {
    fail(`${PREFIX}: ${explainError(error, deployingIdentity())}`)
  }
}

/** The step: inputs → plan → the core's run → one outcome, reported once. */
export async function run(): Promise<void> {
  setLogSink(actionsLog)
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let started: Planned | undefined
  let outcome: Outcome | undefined
  try {
    started = await plannedOrFailed()
    if (started?.plan.cleanup.cleanup) return await cleanedOrFailed(started)
    if (started) outcome = await checkedRun(started, abort.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  if (!started || !outcome) return
  const failure = failureMessage(outcome)
  if (failure !== undefined) fail(`${PREFIX}: ${failure}`)
  // What a reader sees; the batch and the build got the real values.
  const shown = redactOutcome(outcome)
  setOutputs(shown)
  const values = redactInputs(started.config.values)
  await publish(shown, { values, report: started.config.report, facts: started.facts })
}
