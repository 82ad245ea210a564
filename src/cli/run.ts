/** `kedro-dataproc run`: settings → inputs → plan → deploy, with the terminal as the front end. */
import { succeeded, type Outcome } from '../deploy/outcome.js'
import { failureMessage, runPlan } from '../deploy/run.js'
import { parseInputs } from '../inputs/parse.js'
import { kedroPreflight } from '../kedro/preflight.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import { maskPlanSecrets, redactPlan } from '../report/redact.js'
import { costUsd, formatRows, outcomeRows, planRows } from '../report/rows.js'
import { localRunFacts } from './facts.js'
import { interruptions } from './interrupt.js'
import { ProgressDisplay } from './progress.js'
import type { Result } from './result.js'
import { LOCAL_CREDENTIALS_HINT, valuesOf } from './session.js'
import type { Settings } from './settings.js'
import type { Terminal } from './terminal.js'

export interface RunCommandOptions {
  settings: Settings
  terminal: Terminal
  env: NodeJS.ProcessEnv
  cwd: string
  /** The entrypoint the bundle ships, for a project that has none of its own. */
  shippedEntrypoint: string
}

/** Every setting that is not its default, and where it came from. */
export function settingRows(settings: Settings): [string, string][] {
  return Object.entries(settings.values)
    .filter(([, setting]) => setting.source !== 'default')
    .map(([name, setting]) => [
      name,
      `${setting.value.replace(/\n/g, ', ') || "''"}  (${setting.source})`
    ])
}

function showPlan(terminal: Terminal, settings: Settings, plan: Plan): void {
  const { bold } = terminal.out
  const rows = settingRows(settings)
  terminal.info(bold('settings'))
  for (const line of rows.length ? formatRows(rows) : ['(all defaults)']) terminal.info(`  ${line}`)
  terminal.info(bold(`plan: ${plan.env} run ${plan.runId} → batch ${plan.batch.id}`))
  for (const line of formatRows(planRows(plan))) terminal.info(`  ${line}`)
}

/** What --json prints: the outcome's essentials, never the driver output (that went to stderr). */
export function outcomeJson(outcome: Outcome): Record<string, unknown> {
  const { plan } = outcome
  return {
    state: outcome.state,
    stateMessage: outcome.stateMessage,
    succeeded: succeeded(outcome),
    batchId: plan.batch.id,
    batchName: plan.batch.name,
    consoleUrl: plan.batch.consoleUrl,
    runId: plan.runId,
    env: plan.env,
    release: plan.release,
    image: plan.image.reference,
    entrypointUri: plan.storage.entrypointUri,
    codeUri: plan.storage.codeUri,
    runOutputUri: plan.storage.runOutputUri,
    runtimeVersion:
      outcome.batch?.runtimeConfig?.version ?? plan.batch.request.batch.runtimeConfig.version,
    durationSeconds: outcome.durationSeconds,
    costUsd: costUsd(outcome),
    note: outcome.note
  }
}

/** What happens before the batch is submitted, for the status line; nothing on a dry run. */
function preparing(plan: Plan): string | undefined {
  if (plan.behaviour.dryRun) return undefined
  if (plan.env === 'prod' && !plan.behaviour.prepare) return `reading release ${plan.release}`
  return plan.build ? 'building the image and uploading the code' : 'uploading the code'
}

/** The run, with the interrupt handling, status line and upload progress of a terminal. */
async function execute(plan: Plan, terminal: Terminal): Promise<Outcome> {
  const interrupt = interruptions(plan, terminal)
  terminal.setStatus(preparing(plan))
  const progress = new ProgressDisplay(terminal.progressSink(), terminal.err)
  let seenOutput = false
  try {
    return await runPlan(plan, {
      abort: interrupt.signal,
      credentialsHint: LOCAL_CREDENTIALS_HINT,
      onSubmitting: () => {
        interrupt.submitting()
        terminal.setStatus(`submitting batch ${plan.batch.id}`)
      },
      onCancelSent: () => {
        interrupt.cancelSent()
        terminal.warning(`Dataproc accepted the cancel of batch ${plan.batch.id}`)
      },
      onSubmitted: () => {
        interrupt.submitted()
        terminal.setStatus('waiting for the driver')
      },
      onSettled: () => interrupt.settled(),
      onUploadProgress: update => progress.update(update),
      onLine: line => {
        if (!seenOutput) terminal.setStatus(undefined)
        seenOutput = true
        terminal.output(line)
      }
    })
  } finally {
    terminal.setStatus(undefined)
    interrupt.stop()
  }
}

/**
 * Input problems end the command with status 2 before anything has happened (parseInputs and
 * buildPlan have no side effects); what goes wrong later is status 1.
 */
export async function runCommand(options: RunCommandOptions): Promise<Result> {
  const { settings, terminal } = options
  const config = parseInputs(valuesOf(settings), { workspace: options.cwd, env: options.env })
  for (const warning of [...settings.warnings, ...config.warnings]) terminal.warning(warning)
  const context = await localRunFacts(
    config.workingDirectory,
    options.shippedEntrypoint,
    options.env
  )
  const plan = buildPlan(config, context)
  maskPlanSecrets(plan)
  showPlan(terminal, settings, plan)
  await kedroPreflight(config, plan)
  if (plan.behaviour.dryRun) {
    terminal.info(terminal.out.bold('CreateBatch request'))
    terminal.info(JSON.stringify(redactPlan(plan).batch.request, null, 2))
  }
  const outcome = await execute(plan, terminal)
  const ok = succeeded(outcome)
  const { bold, green, red } = terminal.out
  terminal.info(bold('outcome'))
  const rows = outcomeRows(outcome).map(([label, value]): [string, string] => [
    label,
    label === 'state' ? (ok ? green : red)(value) : value
  ])
  for (const line of formatRows(rows)) terminal.info(`  ${line}`)
  if (outcome.note) terminal.info(outcome.note)
  const failure = failureMessage(outcome)
  if (failure !== undefined) terminal.error(failure)
  return { exitCode: ok ? 0 : 1, json: outcomeJson(outcome) }
}
