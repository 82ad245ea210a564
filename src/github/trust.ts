import type { ForkFacts } from '../plan/facts.js'

/**
 * Refuses to run a fork's code on events that give it this repository's secrets and Google
 * credentials (pull_request_target, workflow_run): anyone who can open a pull request could
 * otherwise run anything in the cloud project. The commit the workflow itself runs is trusted;
 * anything else checked out is not, unless `allow-fork-code` says so.
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
  throw new Error(
    `${eventName} from the fork ${repository}: ${what}. This event runs with this repository's ` +
      'secrets and Google credentials, so the fork\u2019s code would run with them. Run fork pull ' +
      'requests on pull_request instead (forks get no credentials there; on-missing-credentials: ' +
      'skip ends those runs quietly), or check out only the base commit here. To accept the risk ' +
      'after reviewing the code (e.g. behind an environment with required reviewers), set ' +
      'allow-fork-code: true.'
  )
}
