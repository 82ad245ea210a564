import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gatherRunFacts } from '../../src/github/facts.js'
import { git, makeRepo } from '../helpers/git.js'

test('a pull request names the head branch and head commit, not the merge checkout', async () => {
  const repo = makeRepo('main')
  git(repo, 'checkout', '-q', '--detach')
  // The runner checks out GITHUB_SHA, the merge commit it made for the run.
  const merge = git(repo, 'rev-parse', 'HEAD').trim()
  const event = join(repo, '..', `event-${process.pid}.json`)
  writeFileSync(
    event,
    JSON.stringify({ pull_request: { number: 3, head: { ref: 'feat/a', sha: 'h'.repeat(40) } } })
  )
  const context = await gatherRunFacts(repo, {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_HEAD_REF: 'feat/a',
    GITHUB_REF_NAME: '3/merge',
    GITHUB_SHA: merge
  })
  expect(context).toMatchObject({ branch: 'feat/a', commit: 'h'.repeat(40), pullRequest: 3 })
})

test('a push names GITHUB_REF_NAME, and the commit checked out', async () => {
  const repo = makeRepo('main')
  const head = git(repo, 'rev-parse', 'HEAD').trim()
  const push = { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'develop' }
  expect(await gatherRunFacts(repo, { ...push, GITHUB_SHA: head })).toMatchObject({
    branch: 'develop',
    commit: head
  })
  // A workflow that checks out another commit runs that one, and says so.
  expect((await gatherRunFacts(repo, { ...push, GITHUB_SHA: 's'.repeat(40) })).commit).toBe(head)
  // Without git (an exported tree), GITHUB_SHA is all there is.
  const bare = mkdtempSync(join(tmpdir(), 'no-git-'))
  expect((await gatherRunFacts(bare, { ...push, GITHUB_SHA: 's1' })).commit).toBe('s1')
})

test('a tag push names no branch (a release is not a branch)', async () => {
  const repo = makeRepo('main')
  git(repo, 'checkout', '-q', '--detach')
  const context = await gatherRunFacts(repo, {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF_NAME: 'v1.0.0',
    GITHUB_REF_TYPE: 'tag'
  })
  expect(context.branch).toBe('')
})

test('locally the checked-out branch and HEAD commit, never the literal HEAD', async () => {
  const repo = makeRepo('feature/local')
  const context = await gatherRunFacts(repo, {})
  expect(context.branch).toBe('feature/local')
  expect(context.commit).toBe(git(repo, 'rev-parse', 'HEAD').trim())
  git(repo, 'checkout', '-q', '--detach')
  expect((await gatherRunFacts(repo, {})).branch).toBe('')
})
