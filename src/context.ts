import { readFile } from 'node:fs/promises'
import { git } from './git.js'

/** The facts about this run that the plan needs, gathered once so the plan itself stays pure. */
export interface RunContext {
  eventName: string
  /** The branch the code comes from: never the literal `HEAD` of a detached checkout. */
  branch: string
  commit: string
  refType: string
  refName: string
  repository: string
  runId: string
  runNumber: string
  runAttempt: string
  job: string
  /** The step (GITHUB_ACTION): two uses of the action in one job differ here. */
  step: string
  serverUrl: string
  pullRequest?: number
  /** Distinguishes runs outside GitHub Actions, which have no run id. */
  localNonce: string
  now: Date
}

interface EventPayload {
  pull_request?: { number?: number; head?: { ref?: string; sha?: string } }
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

export async function gatherContext(
  workingDirectory: string,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date()
): Promise<RunContext> {
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
    refType: env.GITHUB_REF_TYPE ?? '',
    refName: env.GITHUB_REF_NAME ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runNumber: env.GITHUB_RUN_NUMBER ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
    job: env.GITHUB_JOB ?? '',
    step: env.GITHUB_ACTION ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    pullRequest: isPullRequest ? event.pull_request?.number : undefined,
    localNonce: `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    now
  }
}
