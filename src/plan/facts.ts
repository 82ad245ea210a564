/**
 * The facts about this run that the plan needs, gathered once by the front end so the plan itself
 * stays pure. Outside GitHub Actions the workflow fields are empty.
 */
export interface RunFacts {
  /** The branch the code comes from: never the literal `HEAD` of a detached checkout. */
  branch: string
  commit: string
  repository: string
  runId: string
  runNumber: string
  runAttempt: string
  job: string
  /** The step (GITHUB_ACTION): two uses of the action in one job differ here. */
  step: string
  /** Distinguishes runs outside GitHub Actions, which have no run id. */
  localNonce: string
  /** The entrypoint the action ships, used when the project has none of its own. */
  shippedEntrypoint: string
}

/** Names a run outside GitHub Actions, which has no run id: unique to this invocation. */
export const localNonce = (now = new Date()): string =>
  `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`
