import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { git, makeRepo } from '../helpers/git.js'
import { stackDataproc, stackInputs, stackStorage, startTestStack } from '../helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())

const PARENT = 'projects/my-project-123/locations/europe-west1'

/**
 * A ChatOps workflow: a comment on a pull request starts it on the default branch (GITHUB_SHA is
 * main's head), and the workflow checks out the pull request's commit, which may be a fork's.
 */
function chatOps(): { repo: string; main: string; env: Record<string, string>; event: unknown } {
  const repo = makeRepo('main')
  const main = git(repo, 'rev-parse', 'HEAD').trim()
  git(repo, 'checkout', '-q', '-b', 'pr-7')
  writeFileSync(join(repo, 'main.py'), 'print("code from the pull request", flush=True)\n')
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'the pull request')
  return {
    repo,
    main,
    env: workflowEnv({
      workspace: repo,
      runNumber: 800,
      event: 'issue_comment',
      ref: 'main',
      sha: main
    }),
    event: {
      comment: { body: '/deploy', author_association: 'MEMBER' },
      issue: {
        number: 7,
        pull_request: { url: 'https://api.github.com/repos/acme/pipelines/pulls/7' }
      },
      repository: { full_name: 'acme/pipelines' }
    }
  }
}

const INPUTS = {
  image: '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt',
  entrypoint: 'main.py',
  'pr-comment': 'never',
  'upload-artifacts': 'false'
}

test('issue_comment with a pull request checked out is refused, with no side effect', async () => {
  const { repo, env, event } = chatOps()
  const [before] = await stackDataproc(stack).listBatches({ parent: PARENT })
  const run = await runAction({ inputs: { ...stackInputs(stack), ...INPUTS }, env, event })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    /::error::kedro-dataproc-action: issue_comment \(which does not say whose code a pull request holds; it may be a fork's\): working-directory holds [0-9a-f]{12}, not this workflow's commit [0-9a-f]{12}\..*allow-fork-code: true/
  )
  expect(run.stdout).toContain(git(repo, 'rev-parse', 'HEAD').trim().slice(0, 12))
  expect((await stackStorage(stack).bucket('submit-bucket').getFiles())[0]).toEqual([])
  const [after] = await stackDataproc(stack).listBatches({ parent: PARENT })
  expect(after).toHaveLength(before.length)
})

test('with allow-fork-code: true it runs, and records the commit checked out, not GITHUB_SHA', async () => {
  const { repo, main, env, event } = chatOps()
  const head = git(repo, 'rev-parse', 'HEAD').trim()
  const run = await runAction({
    inputs: { ...stackInputs(stack), ...INPUTS, 'allow-fork-code': 'true' },
    env,
    event
  })
  expect(run.code).toBe(0)
  expect(run.stdout).toContain('code from the pull request')
  const plan = JSON.parse(run.outputs.plan as string)
  expect(plan.commit).toBe(head)
  expect(plan.commit).not.toBe(main)
  const [batch] = await stackDataproc(stack).getBatch({ name: plan.batch.name })
  expect(batch.labels?.commit).toBe(head)
  expect(batch.runtimeConfig?.properties?.['spark.dataproc.driverEnv.KEDRO_DATAPROC_COMMIT']).toBe(
    head
  )
})
