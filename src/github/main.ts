import { fileURLToPath } from 'node:url'
import { keepNewestRuns } from '../cleanup/run.js'
import { deployingIdentity } from '../clients/clients.js'
import { deploy } from '../deploy/deploy.js'
import { outcomeWithoutBatch, succeeded, type Outcome } from '../deploy/outcome.js'
import type { Config } from '../inputs/config.js'
import { parseInputs } from '../inputs/parse.js'
import { kedroPreflight } from '../kedro/preflight.js'
import { explainError } from '../lib/errors.js'
import { log, setLogSink } from '../lib/log.js'
import type { RunFacts } from '../plan/facts.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import { maskPlanSecrets, redactInputs, redactOutcome, redactPlan } from '../report/redact.js'
import { formatRows, planRows } from '../report/rows.js'
import { gatherRunFacts } from './facts.js'
import { cleanupStep } from './cleanup.js'
import { actionInputs, runnerFacts } from './inputs.js'
import { actionsLog, fail } from './log-sink.js'
import { setOutputs } from './outputs.js'
import { publish } from './publish.js'
import { saveFinished, saveSubmitted, saveSubmitting } from './state-helper.js'
import { writeDryRunSummary } from './summary.js'
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

async function planned(): Promise<{ config: Config; context: RunFacts; plan: Plan }> {
  const config = parseInputs(actionInputs(), runnerFacts())
  if (config.report.githubToken) log.secret(config.report.githubToken)
  for (const warning of config.warnings) log.warning(warning)
  const gathered = await gatherRunFacts(config.workingDirectory)
  const context = { ...gathered, shippedEntrypoint: SHIPPED_ENTRYPOINT }
  checkForkCode(context.eventName, context.fork, config.allowForkCode)
  const plan = buildPlan(config, context)
  maskPlanSecrets(plan)
  return { config, context, plan }
}

async function outcomeOf(plan: Plan, abort: AbortSignal): Promise<Outcome> {
  if (plan.behaviour.dryRun) {
    await writeDryRunSummary(redactPlan(plan))
    log.info('dry-run: nothing was built, uploaded or submitted.')
    return outcomeWithoutBatch(plan, 'PLANNED', 'dry run: nothing was built, uploaded or submitted')
  }
  const outcome = await deploy(plan, {
    abort,
    // The plan as submitted names the same batch: its name and request id never change.
    onSubmitting: () => saveSubmitting(plan),
    onSubmitted: operation => saveSubmitted(plan, operation),
    onSettled: saveFinished,
    onLine: log.output
  })
  await keepNewestRuns(plan)
  return outcome
}

/** The step: inputs → plan → deploy → one outcome, reported once. */
export async function run(): Promise<void> {
  setLogSink(actionsLog)
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let started: Awaited<ReturnType<typeof planned>> | undefined
  let outcome: Outcome | undefined
  try {
    started = await planned()
    const { plan, config, context } = started
    if (plan.cleanup.cleanup) return await cleanupStep(plan, config, context)
    await showPlan(redactPlan(started.plan))
    await kedroPreflight(started.config, started.plan, !holdsForkCode(started.context.fork))
    outcome = await outcomeOf(started.plan, abort.signal)
    if (!succeeded(outcome)) {
      const message = outcome.stateMessage ? `: ${outcome.stateMessage}` : ''
      fail(`${PREFIX}: batch ${outcome.plan.batch.id} ${outcome.state.toLowerCase()}${message}`)
    }
  } catch (error) {
    const message = explainError(error, deployingIdentity())
    fail(`${PREFIX}: ${message}`)
    // A run that failed once planned still reports what happened.
    if (started) outcome = outcomeWithoutBatch(started.plan, 'ERROR', message)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  if (!started || !outcome) return
  // What a reader sees; the batch and the build got the real values.
  const shown = redactOutcome(outcome)
  setOutputs(shown)
  const values = redactInputs(started.config.values)
  await publish(shown, { ...started.config, values }, started.context)
}
