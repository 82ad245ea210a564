import { readFile } from 'node:fs/promises'
import { gitFact } from '../lib/git.js'
import { localNonce, type RunFacts } from '../plan/facts.js'

/** What only the action reads: the event, for the fork check and the pull-request comment. */
export interface GitHubFacts {
  eventName: string
  serverUrl: string
  pullRequest?: number
  /**
   * Set on events that run with the base repository's secrets for code that may come from
   * outside it (pull_request_target, workflow_run, issue_comment): where the code came from, and
   * what is checked out.
   */
  fork?: ForkFacts
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

/** A workflow run's facts: what the plan needs, and what only the action reads. */
export type ActionFacts = Omit<RunFacts, 'shippedEntrypoint'> & GitHubFacts

interface Repo {
  full_name?: string
}

interface EventPayload {
  pull_request?: { number?: number; head?: { ref?: string; sha?: string; repo?: Repo | null } }
  workflow_run?: { head_sha?: string; head_repository?: Repo | null }
  repository?: Repo
}

/**
 * Events that hand this repository's secrets to a workflow that may check out code from outside
 * it: a fork's pull request (pull_request_target), a fork's workflow run (workflow_run), a pull
 * request named in a comment (issue_comment, as ChatOps does).
 */
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run', 'issue_comment'])

/** Where the event says the code comes from; issue_comment's payload does not say. */
function headOf(eventName: string, event: EventPayload): { repo?: Repo | null; sha?: string } {
  if (eventName === 'workflow_run')
    return { repo: event.workflow_run?.head_repository, sha: event.workflow_run?.head_sha }
  if (eventName === 'pull_request_target')
    return { repo: event.pull_request?.head?.repo, sha: event.pull_request?.head?.sha }
  return {}
}

function forkFacts(
  eventName: string,
  event: EventPayload,
  env: NodeJS.ProcessEnv,
  checkedOut: string | undefined
): ForkFacts | undefined {
  if (!PRIVILEGED_EVENTS.has(eventName)) return undefined
  const head = headOf(eventName, event)
  const base = event.repository?.full_name ?? env.GITHUB_REPOSITORY
  // A deleted fork has no repository left: its code is still not the base repository's.
  const repository = head.repo === null ? '(a deleted fork)' : head.repo?.full_name
  if (repository === base) return undefined
  if (repository === undefined && eventName !== 'issue_comment') return undefined
  return { repository, headSha: head.sha ?? '', trustedSha: env.GITHUB_SHA ?? '', checkedOut }
}

async function readEvent(path: string | undefined): Promise<EventPayload> {
  if (!path) return {}
  try {
    return JSON.parse(await readFile(path, 'utf8')) as EventPayload
  } catch {
    return {}
  }
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review'])

export async function gatherRunFacts(
  workingDirectory: string,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date()
): Promise<ActionFacts> {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const event = await readEvent(env.GITHUB_EVENT_PATH)
  // Any event about a pull request carries it in the payload (pull_request_review_comment too).
  const isPullRequest = PULL_REQUEST_EVENTS.has(eventName) || event.pull_request !== undefined
  const asked = gitFact(workingDirectory, ['rev-parse', 'HEAD'])
  // A pull request checks out a detached merge commit, so `git` would only say HEAD there; git is
  // asked for the branch only outside Actions.
  const branch =
    (isPullRequest ? env.GITHUB_HEAD_REF || event.pull_request?.head?.ref : undefined) ||
    (env.GITHUB_REF_TYPE !== 'tag' ? env.GITHUB_REF_NAME : undefined) ||
    (await gitFact(workingDirectory, ['symbolic-ref', '--short', '-q', 'HEAD'])) ||
    ''
  const checkedOut = await asked
  // The run records the commit it runs. On pull_request (and its review events) GITHUB_SHA is a
  // merge commit made for the run, which the pull request's head names better; any other
  // checkout (ChatOps checks out a pull request on issue_comment) is recorded as itself.
  const mergeHead =
    isPullRequest && eventName !== 'pull_request_target' ? event.pull_request?.head?.sha : undefined
  const commit =
    (checkedOut !== env.GITHUB_SHA ? checkedOut : undefined) ||
    mergeHead ||
    env.GITHUB_SHA ||
    checkedOut ||
    ''
  return {
    eventName,
    branch,
    commit,
    repository: env.GITHUB_REPOSITORY ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
    job: env.GITHUB_JOB ?? '',
    step: env.GITHUB_ACTION ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    pullRequest: isPullRequest ? event.pull_request?.number : undefined,
    fork: forkFacts(eventName, event, env, checkedOut),
    localNonce: localNonce(now)
  }
}
