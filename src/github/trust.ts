import type { ForkFacts } from './facts.js'

/**
 * Refuses to run code from outside this repository on events that give it this repository's
 * secrets and Google credentials (pull_request_target, workflow_run, issue_comment): anyone who
 * can open a pull request could otherwise run anything in the cloud project. The commit the
 * workflow itself runs is trusted; anything else checked out is not, unless `allow-fork-code`
 * says so. issue_comment's payload does not say whose code a pull request holds, so there any
 * other commit is refused.
 */
export function checkForkCode(
  eventName: string,
  fork: ForkFacts | undefined,
  allowForkCode: boolean
): void {
  if (!fork || allowForkCode) return
  const { checkedOut, headSha, trustedSha, repository } = fork
  if (checkedOut && checkedOut === trustedSha) return
  const what = !checkedOut
    ? 'which commit working-directory holds cannot be told (git found none)'
    : checkedOut === headSha
      ? `working-directory holds ${checkedOut.slice(0, 12)}, the head of ${repository}`
      : `working-directory holds ${checkedOut.slice(0, 12)}, not this workflow's commit ${trustedSha.slice(0, 12) || '(GITHUB_SHA unset)'}`
  const event = repository
    ? `${eventName} from the fork ${repository}`
    : `${eventName} (which does not say whose code a pull request holds; it may be a fork's)`
  throw new Error(
    `${event}: ${what}. This event runs with this repository's secrets and Google credentials, ` +
      'so code from outside the repository would run with them. Run fork pull requests on ' +
      'pull_request instead (forks get no credentials there; on-missing-credentials: skip ends ' +
      'those runs quietly), or check out only the commit the workflow runs here. To accept the ' +
      'risk after reviewing the code (e.g. behind an environment with required reviewers), set ' +
      'allow-fork-code: true.'
  )
}

/** Whether working-directory may hold code from outside the repository (allow-fork-code let it run). */
export const holdsForkCode = (fork: ForkFacts | undefined): boolean =>
  fork !== undefined && (!fork.checkedOut || fork.checkedOut !== fork.trustedSha)
