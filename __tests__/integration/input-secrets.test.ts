import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { runCli } from '../helpers/cli.js'
import { makeRepo } from '../helpers/git.js'
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js'
import { zipEntries } from '../helpers/project.js'
import { startResultsService, type ResultsService } from '../helpers/results-service.js'
import { stackDataproc, stackInputs, startTestStack } from '../helpers/stack.js'

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

const endpointFlags = (): string[] => [
  '--dataproc-endpoint',
  `http://${stack.dataproc}`,
  '--storage-endpoint',
  stack.storage
]

const PASSWORD = 'Hunter2-db-password-7f3a'
const PIP_PASSWORD = 'pip-index-pass-9c1e'
const PIP_URL = `https://deployer:${PIP_PASSWORD}@pypi.example.com/simple`
/** The driver prints what it was given, as a careless job would. */
const MAIN = [
  'import os',
  'print("db", os.environ["DB_PASSWORD"], flush=True)',
  'print("index", os.environ["PIP_INDEX_URL"], flush=True)'
].join('\n')

test('secret-looking properties and URL passwords reach the batch, and no report shows them', async () => {
  const repo = makeRepo('feature/secrets')
  writeFileSync(join(repo, 'main.py'), `${MAIN}\n`)
  const run = await runAction({
    inputs: {
      ...stackInputs(stack),
      image: '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt',
      entrypoint: 'main.py',
      'github-token': github.token,
      'spark-properties': [
        `spark.dataproc.driverEnv.DB_PASSWORD=${PASSWORD}`,
        `spark.dataproc.driverEnv.PIP_INDEX_URL=${PIP_URL}`,
        'spark.executor.memory=4g'
      ].join('\n')
    },
    event: { pull_request: { number: 7, head: { ref: 'feature/secrets', sha: 'a'.repeat(40) } } },
    env: {
      ...workflowEnv({ workspace: repo, runNumber: 601, event: 'pull_request', ref: '7/merge' }),
      GITHUB_HEAD_REF: 'feature/secrets',
      GITHUB_API_URL: github.url,
      ACTIONS_RUNTIME_TOKEN: results.token,
      ACTIONS_RESULTS_URL: results.url,
      GITHUB_SERVER_URL: 'https://github.com'
    }
  })
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('SUCCEEDED')

  // The batch got the real values, and the driver saw them.
  const [batch] = await stackDataproc(stack).getBatch({ name: run.outputs['batch-name'] })
  expect(batch.runtimeConfig?.properties?.['spark.dataproc.driverEnv.DB_PASSWORD']).toBe(PASSWORD)
  expect(batch.runtimeConfig?.properties?.['spark.dataproc.driverEnv.PIP_INDEX_URL']).toBe(PIP_URL)

  // The log masks them before anything could print them: the runner hides them from there on.
  const lines = run.stdout.split('\n')
  const firstMention = (value: string) => lines.findIndex(line => line.includes(value))
  for (const secret of [PASSWORD, PIP_PASSWORD]) {
    expect(lines[firstMention(secret)]).toBe(`::add-mask::${secret}`)
  }
  // Where the runner's mask does not reach, the values are not there at all.
  const plan = run.outputs.plan as string
  expect(JSON.parse(plan).batch.request.batch.runtimeConfig.properties).toMatchObject({
    'spark.dataproc.driverEnv.DB_PASSWORD': '***',
    'spark.dataproc.driverEnv.PIP_INDEX_URL': 'https://***@pypi.example.com/simple',
    'spark.executor.memory': '4g'
  })
  const [artifact] = results.artifacts
  const entries = await zipEntries(artifact?.blob as Buffer)
  expect(entries.get('driver-output.log')?.toString()).toContain('db ***')
  const comment = github.comments.find(c => c.issue === 'acme/pipelines#7')?.body
  expect(comment).toContain('SUCCEEDED')
  const shown = {
    plan,
    summary: run.summary,
    comment,
    ...Object.fromEntries([...entries].map(([name, bytes]) => [name, bytes.toString()]))
  }
  for (const [where, text] of Object.entries(shown)) {
    for (const secret of [PASSWORD, PIP_PASSWORD]) {
      expect({ where, leaked: text?.includes(secret) }).toEqual({ where, leaked: false })
    }
  }
  expect(run.summary).toContain('spark.dataproc.driverEnv.DB_PASSWORD=***')
})

test('the command’s dry run shows the settings and the request with the secrets hidden', async () => {
  const repo = makeRepo('feature/cli-secrets')
  writeFileSync(join(repo, 'main.py'), 'print(1)\n')
  writeFileSync(
    join(repo, 'pyproject.toml'),
    [
      '[tool.kedro-dataproc]',
      'project-id = "my-project-123"',
      'region = "europe-west1"',
      'run-submit-bucket = "submit-bucket"',
      'run-output-bucket = "output-bucket"',
      'entrypoint = "main.py"',
      `spark-properties = { "spark.dataproc.driverEnv.DB_PASSWORD" = "${PASSWORD}" }`,
      ''
    ].join('\n')
  )
  const run = await runCli(
    ['run', '--image', '127.0.0.1:5000/p/r/i:prebuilt', '--dry-run', ...endpointFlags()],
    { cwd: repo }
  )
  expect(run.code).toBe(0)
  expect(run.stdout + run.stderr).toContain('"spark.dataproc.driverEnv.DB_PASSWORD": "***"')
  expect(run.stdout + run.stderr).not.toContain(PASSWORD)
})
