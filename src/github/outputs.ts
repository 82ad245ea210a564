import * as core from '@actions/core'
import type { Outcome } from '../deploy/outcome.js'
import { costUsd } from '../report/rows.js'

/** Whole micro-dollars: enough for a short run, no float noise. */
const usdText = (usd: number | undefined): string =>
  usd === undefined ? '' : String(Number(usd.toFixed(6)))

/** Every output of the step, set once from the outcome: the plan in it is the plan as submitted. */
export function setOutputs(outcome: Outcome): void {
  const { plan, batch } = outcome
  const outputs: Record<string, string> = {
    'batch-id': plan.batch.id,
    'batch-name': plan.batch.name,
    'batch-url': plan.batch.consoleUrl,
    state: outcome.state,
    'state-message': outcome.stateMessage,
    'run-id': plan.runId,
    image: plan.image.reference,
    'image-digest': plan.image.digest ?? '',
    'code-uri': plan.storage.codeUri,
    'entrypoint-uri': plan.storage.entrypointUri,
    'run-output-uri': plan.storage.runOutputUri,
    'driver-output-uri': batch?.runtimeInfo?.outputUri ?? '',
    'duration-seconds':
      outcome.durationSeconds !== undefined ? String(outcome.durationSeconds) : '',
    cost: usdText(costUsd(outcome)),
    plan: JSON.stringify(plan)
  }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}
