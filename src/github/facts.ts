import { readFile } from 'node:fs/promises'
import { git } from '../lib/git.js'
import { localNonce, type ForkFacts, type RunFacts } from '../plan/facts.js'

interface Repo {
  full_name?: string
}

interface EventPayload {
  pull_request?: { number?: number; head?: { ref?: string; sha?: string; repo?: Repo | null } }
  workflow_run?: { head_sha?: string; head_repository?: Repo | null }
  repository?: Repo
}

/** Events that hand this repository's secrets to a workflow about someone else's code. */
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run'])

async function forkFacts(
  eventName: string,
  event: EventPayload,
  env: NodeJS.ProcessEnv,
  workingDirectory: string
): Promise<ForkFacts | undefined> {
  if (!PRIVILEGED_EVENTS.has(eventName)) return undefined
  const head =
    eventName === 'workflow_run'
      ? { repo: event.workflow_run?.head_repository, sha: event.workflow_run?.head_sha }
      : { repo: event.pull_request?.head?.repo, sha: event.pull_request?.head?.sha }
  const base = event.repository?.full_name ?? env.GITHUB_REPOSITORY
  // A deleted fork has no repository left: its code is still not the base repository's.
  const repository = head.repo === null ? '(a deleted fork)' : head.repo?.full_name
  if (repository === undefined || repository === base) return undefined
  return {
    repository,
    headSha: head.sha ?? '',
    trustedSha: env.GITHUB_SHA ?? '',
    checkedOut: await gitFact(workingDirectory, ['rev-parse', 'HEAD'])
  }
}

async function readEvent(path: string | undefined): Promise<EventPayload> {
  if (!path) return {}
  try {
    return JSON.parse(await readFile(path, 'utf8')) as EventPayload
  } catch {
    return {}
  }
}

async function gitFact(cwd: string, args: string[]): Promise<string | undefined> {
  const result = await git(cwd, args).catch(() => undefined)
  return result?.code === 0 ? result.stdout.toString().trim() || undefined : undefined
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review'])

export async function gatherRunFacts(
  workingDirectory: string,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date()
): Promise<Omit<RunFacts, 'shippedEntrypoint'>> {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const event = await readEvent(env.GITHUB_EVENT_PATH)
  // Any event about a pull request carries it in the payload (pull_request_review_comment too).
  const isPullRequest = PULL_REQUEST_EVENTS.has(eventName) || event.pull_request !== undefined
  // A pull request checks out a detached merge commit, so `git` would only say HEAD there; git is
  // asked only outside Actions, like the commit below.
  const branch =
    (isPullRequest ? env.GITHUB_HEAD_REF || event.pull_request?.head?.ref : undefined) ||
    (env.GITHUB_REF_TYPE !== 'tag' ? env.GITHUB_REF_NAME : undefined) ||
    (await gitFact(workingDirectory, ['symbolic-ref', '--short', '-q', 'HEAD'])) ||
    ''
  const commit =
    (isPullRequest ? event.pull_request?.head?.sha : undefined) ||
    env.GITHUB_SHA ||
    (await gitFact(workingDirectory, ['rev-parse', 'HEAD'])) ||
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
    fork: await forkFacts(eventName, event, env, workingDirectory),
    localNonce: localNonce(now)
  }
}
