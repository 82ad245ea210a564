/**
 * The one way a front end runs a plan: a dry run, the deploy, and any error, each come back as
 * one Outcome; the front ends only read their inputs and present the outcome.
 */
import { keepNewestRuns } from '../cleanup/run.js'
import { deployingIdentity } from '../clients/clients.js'
import { explainError } from '../lib/errors.js'
import type { Plan } from '../plan/plan.js'
import { deploy, type DeployHooks } from './deploy.js'
import { outcomeWithoutBatch, succeeded, type Outcome } from './outcome.js'

/** What went wrong, explained (what to grant, what to fix), as the run's outcome. */
export const errorOutcome = (plan: Plan, error: unknown): Outcome =>
  outcomeWithoutBatch(plan, 'ERROR', explainError(error, deployingIdentity()))

/** Runs the plan; what goes wrong comes back as an ERROR outcome. */
export async function runPlan(plan: Plan, hooks: DeployHooks): Promise<Outcome> {
  try {
    const outcome = await deploy(plan, hooks)
    // keep-runs: the branch's older run folders go once a run was submitted.
    if (!plan.behaviour.dryRun) await keepNewestRuns(plan)
    return outcome
  } catch (error) {
    return errorOutcome(plan, error)
  }
}

/** What to tell the user when the run did not do what it was asked; undefined when it did. */
export function failureMessage(outcome: Outcome): string | undefined {
  if (succeeded(outcome)) return undefined
  if (outcome.state === 'ERROR') return outcome.stateMessage
  const message = outcome.stateMessage ? `: ${outcome.stateMessage}` : ''
  return `batch ${outcome.plan.batch.id} ${outcome.state.toLowerCase()}${message}`
}
