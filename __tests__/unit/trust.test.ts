import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gatherRunFacts } from '../../src/github/facts.js'
import { checkForkCode } from '../../src/github/trust.js'

const repo = mkdtempSync(join(tmpdir(), 'trust-'))
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
    cwd: repo,
    encoding: 'utf8'
  }).trim()
git('init', '-q', '-b', 'main')
writeFileSync(join(repo, 'a.py'), '')
git('add', '-A')
git('commit', '-q', '-m', 'base')
const BASE = git('rev-parse', 'HEAD')
const FORK_HEAD = 'f0'.repeat(20)

async function facts(eventName: string, event: unknown, sha = BASE) {
  const path = join(repo, '..', `event-${Math.random()}.json`)
  writeFileSync(path, JSON.stringify(event))
  const context = await gatherRunFacts(repo, {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: 'acme/pipelines',
    GITHUB_SHA: sha
  })
  return { eventName, fork: context.fork, commit: context.commit }
}

const prFromFork = (headSha: string) => ({
  pull_request: {
    number: 7,
    head: { ref: 'x', sha: headSha, repo: { full_name: 'mallory/pipelines' } }
  },
  repository: { full_name: 'acme/pipelines' }
})

test.each([
  [
    'pull_request_target, fork head checked out',
    'pull_request_target',
    prFromFork(BASE),
    'f1'.repeat(20),
    /the head of mallory\/pipelines/
  ],
  [
    'pull_request_target, another commit checked out',
    'pull_request_target',
    prFromFork(FORK_HEAD),
    'f1'.repeat(20),
    /not this workflow's commit/
  ],
  [
    'workflow_run from a fork',
    'workflow_run',
    {
      workflow_run: { head_sha: BASE, head_repository: { full_name: 'mallory/pipelines' } },
      repository: { full_name: 'acme/pipelines' }
    },
    'f1'.repeat(20),
    /workflow_run from the fork mallory\/pipelines/
  ],
  [
    'a deleted fork',
    'pull_request_target',
    {
      pull_request: { head: { sha: BASE, repo: null } },
      repository: { full_name: 'acme/pipelines' }
    },
    'f1'.repeat(20),
    /\(a deleted fork\)/
  ],
  [
    'issue_comment (ChatOps) with a pull request checked out',
    'issue_comment',
    { issue: { number: 7, pull_request: {} }, repository: { full_name: 'acme/pipelines' } },
    'f1'.repeat(20),
    /issue_comment \(which does not say whose code a pull request holds.*not this workflow's commit f1f1/
  ]
])('refuses: %s', async (_name, eventName, event, sha, message) => {
  const { fork } = await facts(eventName, event, sha)
  expect(() => checkForkCode(eventName, fork, false)).toThrow(message)
  expect(() => checkForkCode(eventName, fork, false)).toThrow(/allow-fork-code: true/)
  expect(() => checkForkCode(eventName, fork, true)).not.toThrow()
})

test.each([
  [
    'the base commit checked out on pull_request_target',
    'pull_request_target',
    prFromFork(FORK_HEAD)
  ],
  [
    'a pull request from a branch of the same repository',
    'pull_request_target',
    {
      pull_request: { head: { sha: BASE, repo: { full_name: 'acme/pipelines' } } },
      repository: { full_name: 'acme/pipelines' }
    }
  ],
  ['a fork on pull_request (no secrets there)', 'pull_request', prFromFork(BASE)],
  [
    'issue_comment with the workflow’s own commit checked out',
    'issue_comment',
    { issue: { number: 7 }, repository: { full_name: 'acme/pipelines' } }
  ]
])('allows: %s', async (_name, eventName, event) => {
  const { fork } = await facts(eventName, event)
  expect(() => checkForkCode(eventName, fork, false)).not.toThrow()
})

test('issue_comment records the commit checked out, not GITHUB_SHA (the default branch)', async () => {
  const { commit } = await facts('issue_comment', { issue: { number: 7 } }, 'f1'.repeat(20))
  expect(commit).toBe(BASE)
})
