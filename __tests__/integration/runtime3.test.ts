import { startStack, type Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { gcloudFor, type Gcloud } from '../helpers/gcloud.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { createBuckets, stackDataproc, stackInputs } from '../helpers/stack.js'

/**
 * Runtime 3.0 on the local stack: the batch runs as its service account, has no outputUri, and
 * its driver output comes from the Cloud Logging emulator, whose entries here become visible up
 * to 3 s late and so out of order.
 */
let stack: Stack
let gcloud: Gcloud

const PROJECT = 'my-project-123'
const RUNNER = 'runner@my-project-123.iam.gserviceaccount.com'

beforeAll(async () => {
  stack = await startStack({
    docker: 'off',
    pendingMs: 200,
    teardownMs: 100,
    loggingDelayMs: [0, 3000]
  })
  await createBuckets(stack, 'submit-bucket', 'output-bucket')
  gcloud = await gcloudFor(stack, PROJECT)
})
afterAll(async () => {
  await stack?.stop()
  await gcloud?.remove()
})
afterEach(() => stack.loggingEmulator.faults.clear())

let runNumber = 900
function run() {
  runNumber += 1
  const repo = checkoutExample('feature/runtime-3', TINY_PROJECT)
  return runAction({
    inputs: {
      ...stackInputs(stack),
      'logging-endpoint': stack.logging,
      image: '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless@sha256:' + '0'.repeat(64),
      'runtime-version': '3.0',
      'service-account': RUNNER,
      'kedro-run-args': '--pipelines=totals',
      'pr-comment': 'never'
    },
    env: workflowEnv({ workspace: repo, runNumber, ref: 'feature/runtime-3' })
  })
}

/** The driver's lines as Cloud Logging holds them, in timestamp order. */
async function loggedLines(batchId: string): Promise<string[]> {
  const response = await fetch(`${stack.logging}/v2/entries:list`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceNames: [`projects/${PROJECT}`],
      filter: `resource.type="cloud_dataproc_batch" AND resource.labels.batch_id="${batchId}"`,
      orderBy: 'timestamp asc',
      pageSize: 1000
    })
  })
  const { entries = [] } = (await response.json()) as {
    entries?: { jsonPayload?: { message?: string } }[]
  }
  return entries.flatMap(entry => (entry.jsonPayload?.message ?? '').replace(/\n$/, '').split('\n'))
}

test('a 3.0 run streams every driver line once and in order from Cloud Logging, as its service account', async () => {
  const result = await run()
  expect(result.code).toBe(0)
  expect(result.outputs.state).toBe('SUCCEEDED')
  const batchId = result.outputs['batch-id'] as string
  const [batch] = await stackDataproc(stack).getBatch({
    name: `projects/${PROJECT}/locations/europe-west1/batches/${batchId}`
  })
  expect(batch.runtimeInfo?.outputUri ?? '').toBe('')
  expect(batch.environmentConfig?.executionConfig?.authenticationConfig).toMatchObject({
    userWorkloadAuthenticationType: 'SERVICE_ACCOUNT'
  })

  const logged = await loggedLines(batchId)
  // Runtime 3.0 is Spark 4.0, in the default environment too.
  expect(logged[0]).toMatch(/^local stack: Spark 4\.0\.\d+, /)
  expect(logged[logged.length - 1]).toBe('[kedro-dataproc] kedro run exited with status 0')
  expect(logged.length).toBeGreaterThan(10)
  // The step's own state lines (`… RUNNING → SUCCEEDED (+13.8s)`) may come between driver lines.
  const stdout = result.stdout
    .split('\n')
    .filter(line => !/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}.* {2}\(\+[\d.]+s\)$/.test(line))
  const start = stdout.indexOf(logged[0] as string)
  expect(start).toBeGreaterThanOrEqual(0)
  expect(stdout.slice(start, start + logged.length)).toEqual(logged)
  for (const line of new Set(logged)) {
    expect(stdout.filter(printed => printed === line)).toHaveLength(
      logged.filter(l => l === line).length
    )
  }

  // An independent client reads the same lines.
  const read = await gcloud.ok([
    'logging',
    'read',
    `resource.type="cloud_dataproc_batch" AND resource.labels.batch_id="${batchId}" AND logName="projects/${PROJECT}/logs/dataproc.googleapis.com%2Foutput"`,
    '--format=json',
    '--order=asc'
  ])
  const viaGcloud = (JSON.parse(read) as { jsonPayload?: { message?: string } }[]).flatMap(entry =>
    (entry.jsonPayload?.message ?? '').replace(/\n$/, '').split('\n')
  )
  expect(viaGcloud).toEqual(logged)
})

test('a 403 from Cloud Logging leaves the run SUCCEEDED with one warning', async () => {
  stack.loggingEmulator.faults.arm({ route: 'logging.list', times: 1000, status: 403 })
  const result = await run()
  expect(result.code).toBe(0)
  expect(result.outputs.state).toBe('SUCCEEDED')
  const warnings = result.stdout.split('\n').filter(line => line.includes('roles/logging.viewer'))
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(
    /^::warning::driver output: Cloud Logging refused to list entries \(403\)/
  )
})
