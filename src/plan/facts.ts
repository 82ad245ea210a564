/** The facts about this run that the plan needs, gathered once so the plan itself stays pure. */
export interface RunFacts {
  eventName: string
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
  serverUrl: string
  pullRequest?: number
  /**
   * Set on events that run with the base repository's secrets for code that may come from
   * outside it (pull_request_target, workflow_run, issue_comment): where the code came from, and
   * what is checked out.
   */
  fork?: ForkFacts
  /** Distinguishes runs outside GitHub Actions, which have no run id. */
  localNonce: string
  /** The entrypoint the action ships, used when the project has none of its own. */
  shippedEntrypoint: string
}

export interface ForkFacts {
  /** The fork, `owner/name`; undefined when the event does not say (issue_comment). */
  repository?: string
  /** The fork's head commit; empty when the event does not say. */
  headSha: string
  /** The commit the workflow itself runs (GITHUB_SHA), which the base repository vouches for. */
  trustedSha: string
  /** What `working-directory` has checked out, when git can say. */
  checkedOut?: string
}

/** Names a run outside GitHub Actions, which has no run id: unique to this invocation. */
export const localNonce = (now = new Date()): string =>
  `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`
