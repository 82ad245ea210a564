import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv, type ActionRun } from '../helpers/action.js'
import { makeRepo } from '../helpers/git.js'
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js'
import { zipEntries } from '../helpers/project.js'
import { startResultsService, type ResultsService } from '../helpers/results-service.js'
import { stackInputs, startTestStack } from '../helpers/stack.js'

let stack: Stack
let github: GitHubApi
let results: ResultsService

beforeAll(async () => {
  ;[stack, github, results] = await Promise.all([
    startTestStack('off', 'submit-bucket', 'output-bucket'),
    startGitHubApi(),
    startResultsService()
  ])
})
afterAll(async () => Promise.all([stack?.stop(), github?.close(), results?.close()]))
beforeEach(() => {
  github.reset()
  results.reset()
})

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

function project(main: string): string {
  const repo = makeRepo('feature/pr')
  writeFileSync(join(repo, 'main.py'), main)
  return repo
}
const SUCCEEDS = 'print("all good", flush=True)\n'
const FAILS = 'import sys\nprint("about to fail", flush=True)\nsys.exit("the pipeline broke")\n'
const SLOW = 'import time\nfor i in range(600):\n    print(i, flush=True)\n    time.sleep(0.1)\n'

let runNumber = 400
function pullRequestRun(
  main: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  runNumber += 1
  return runAction({
    inputs: {
      ...stackInputs(stack),
      image: PREBUILT,
      entrypoint: 'main.py',
      'github-token': github.token,
      ...inputs
    },
    event: { pull_request: { number: 42, head: { ref: 'feature/pr', sha: 'a'.repeat(40) } } },
    env: {
      ...workflowEnv({
        workspace: project(main),
        runNumber,
        event: 'pull_request',
        ref: '42/merge'
      }),
      GITHUB_HEAD_REF: 'feature/pr',
      GITHUB_WORKFLOW: 'dataproc-dev',
      GITHUB_JOB: 'run',
      GITHUB_API_URL: github.url,
      ...env
    }
  })
}

const ourComments = () => github.comments.filter(comment => comment.issue === 'acme/pipelines#42')

test('two runs of one pull request: one sticky comment, created then updated', async () => {
  const first = await pullRequestRun(SUCCEEDS)
  expect(first.code).toBe(0)
  expect(ourComments()).toHaveLength(1)
  const id = ourComments()[0]?.id
  expect(first.stdout).toContain('pull-request comment created')

  const second = await pullRequestRun(FAILS)
  expect(second.code).toBe(1)
  expect(second.stdout).toContain('pull-request comment updated')
  expect(ourComments()).toHaveLength(1)
  const comment = ourComments()[0]
  expect(comment?.id).toBe(id)
  expect(comment?.body).toContain('FAILED')
  expect(comment?.body).toContain(second.outputs['batch-id'])
  expect(comment?.body).toContain(second.outputs['batch-url'])
  expect(github.requests.filter(request => request.method === 'POST')).toHaveLength(1)
  expect(github.requests.filter(request => request.method === 'PATCH')).toHaveLength(1)
})

test('no permission to comment: a warning, and the run still succeeds', async () => {
  github.deny.set('create', 403)
  const run = await pullRequestRun(SUCCEEDS)
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('SUCCEEDED')
  expect(run.stdout).toMatch(/::warning::pull-request comment skipped: .*pull-requests: write/)
  expect(ourComments()).toHaveLength(0)
})

test.each([
  ['success', SUCCEEDS, {}, 'SUCCEEDED'],
  ['failure', FAILS, {}, 'FAILED'],
  ['cancellation', SLOW, { timeout: '2s' }, 'CANCELLED']
])(
  'the job summary of a %s has the state, the batch id and the console link',
  async (...[, main, inputs, state]) => {
    const run = await pullRequestRun(main, inputs)
    expect(run.outputs.state).toBe(state)
    expect(run.summary).toContain(`Kedro on Dataproc — ${state}`)
    expect(run.summary).toContain(run.outputs['batch-id'])
    expect(run.summary).toContain(
      `https://console.cloud.google.com/dataproc/batches/europe-west1/${run.outputs['batch-id']}/summary?project=my-project-123`
    )
  },
  60_000
)

test('a failure before the batch ends still leaves a summary', async () => {
  const run = await pullRequestRun(SUCCEEDS, { 'run-submit-bucket': 'no-such-bucket' })
  expect(run.code).toBe(1)
  expect(run.summary).toContain('Kedro on Dataproc — ERROR')
  expect(run.summary).toContain('no-such-bucket')
})

test('with the Actions runtime, the driver log, batch record and plan are uploaded as one artifact', async () => {
  const run = await pullRequestRun(
    SUCCEEDS,
    {},
    {
      ACTIONS_RUNTIME_TOKEN: results.token,
      ACTIONS_RESULTS_URL: results.url,
      GITHUB_SERVER_URL: 'https://github.com'
    }
  )
  expect(run.code).toBe(0)
  const [artifact] = results.artifacts
  expect(artifact?.name).toBe(`kedro-dataproc-${run.outputs['batch-id']}-attempt-1`)
  const entries = await zipEntries(artifact?.blob as Buffer)
  expect([...entries.keys()].sort()).toEqual(['batch.json', 'driver-output.log', 'plan.json'])
  expect(entries.get('driver-output.log')?.toString()).toContain('all good')
  expect(JSON.parse(entries.get('batch.json')?.toString() ?? '{}').state).toBe('SUCCEEDED')
  expect(JSON.parse(entries.get('plan.json')?.toString() ?? '{}').batch.id).toBe(
    run.outputs['batch-id']
  )
})

test('without the Actions runtime: a notice, and success', async () => {
  const run = await pullRequestRun(SUCCEEDS)
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/::notice::no Actions runtime .* not uploaded/)
  expect(results.requests).toHaveLength(0)
})

test('pr-comment: always also comments the plan of a dry run', async () => {
  const run = await pullRequestRun(SUCCEEDS, { 'dry-run': 'true', 'pr-comment': 'always' })
  expect(run.code).toBe(0)
  expect(ourComments()).toHaveLength(1)
  expect(ourComments()[0]?.body).toContain('PLANNED')
  const auto = await pullRequestRun(SUCCEEDS, { 'dry-run': 'true' })
  expect(auto.code).toBe(0)
  expect(github.requests.filter(request => request.method !== 'GET')).toHaveLength(1)
})

test('driver lines that look like workflow commands stay text', async () => {
  const run = await pullRequestRun(
    'print("::error::from the driver", flush=True)\nprint("::add-mask::x", flush=True)\n'
  )
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(/::stop-commands::(\S+)\n::error::from the driver\n::\1::/)
  expect(run.stdout).toMatch(/::stop-commands::(\S+)\n::add-mask::x\n::\1::/)
})
