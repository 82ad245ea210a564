import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { startStack, type Stack } from '../../emulators/stack.js'
import { runAction, workflowEnv } from '../helpers/action.js'
import { gcloudFor, type Gcloud } from '../helpers/gcloud.js'
import { checkoutExample, TINY_PROJECT } from '../helpers/project.js'
import { createBuckets, stackInputs } from '../helpers/stack.js'

/**
 * Dataproc as it behaves, through the action on the local stack: the default ttl, a batch the
 * service cancels when its ttl runs out, a batch it fails for want of quota, and the actAs refusal.
 * The emulator's ttl runs a thousand times faster here, so a 10-minute ttl ends in 0.6 s.
 */
let stack: Stack
let gcloud: Gcloud

const PROJECT = 'my-project-123'
const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'

beforeAll(async () => {
  stack = await startStack({ docker: 'off', pendingMs: 200, teardownMs: 100, ttlScale: 0.001 })
  await createBuckets(stack, 'submit-bucket', 'output-bucket')
  gcloud = await gcloudFor(stack, PROJECT)
})
afterAll(async () => {
  await stack?.stop()
  await gcloud?.remove()
})
afterEach(() => stack.dataprocEmulator.faults.clear())

let runNumber = 800
function run(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const repo = checkoutExample('feature/behaviour', TINY_PROJECT)
  runNumber += 1
  return runAction({
    inputs: {
      ...stackInputs(stack),
      image: PREBUILT,
      'kedro-run-args': '--pipelines=totals',
      ...inputs
    },
    env: { ...workflowEnv({ workspace: repo, runNumber, ref: 'feature/behaviour' }), ...env }
  })
}

test('with neither ttl nor timeout the batch has the service default of 4 hours, and the plan says so', async () => {
  const result = await run({}, {})
  expect(result.stdout).toMatch(
    /ttl +4h: Dataproc's default from runtime 2\.1; the batch ends after 4h unless ttl is set/
  )
  const described = await gcloud.ok([
    'dataproc',
    'batches',
    'describe',
    result.outputs['batch-id'] as string,
    '--region',
    'europe-west1',
    '--format=json'
  ])
  const batch = JSON.parse(described) as {
    environmentConfig?: { executionConfig?: { ttl?: string } }
    labels?: Record<string, string>
  }
  expect(batch.environmentConfig?.executionConfig?.ttl).toBe('14400s')
  expect(batch.labels).toMatchObject({
    'goog-dataproc-batch-id': result.outputs['batch-id'],
    'goog-dataproc-location': 'europe-west1'
  })
})

test('a timeout longer than the ttl in effect warns, naming ttl', async () => {
  const result = await run({ timeout: '5h', 'dry-run': 'true' })
  expect(result.code).toBe(0)
  expect(result.stdout).toContain(
    "::warning::timeout: 5h is longer than Dataproc's default ttl (runtime 2.1 and later) of 4h, which ends the batch first; set ttl to at least the timeout"
  )
  const explicit = await run({ timeout: '5h', ttl: '6h', 'dry-run': 'true' })
  expect(explicit.stdout).not.toContain('::warning::timeout')
})

test('a batch whose ttl runs out is reported as cancelled for its ttl', async () => {
  const result = await run({ ttl: '10m' })
  expect(result.code).toBe(1)
  expect(result.outputs.state).toBe('CANCELLED')
  expect(result.outputs['state-message']).toBe(
    'Dataproc cancelled the batch when its ttl of 10m ran out; set ttl to allow a longer run'
  )
  expect(result.stdout).toMatch(
    /::error::kedro-dataproc-action: batch \S+ cancelled: Dataproc cancelled the batch when its ttl/
  )
})

test('a batch the service fails for want of quota is reported with the quota, the amounts and the fix', async () => {
  stack.dataprocEmulator.faults.arm({ route: 'dataproc.batch.fail', times: 1 })
  const result = await run({})
  expect(result.code).toBe(1)
  expect(result.outputs.state).toBe('FAILED')
  expect(result.outputs['state-message']).toBe(
    'not enough CPUS_ALL_REGIONS quota: the batch asked for 12 and 0 were available. Request more quota (IAM & Admin → Quotas), lower spark.executor.instances, or run in another region'
  )
  expect(result.summary).toContain('not enough CPUS_ALL_REGIONS quota')
})

test('an actAs refusal names the role and the gcloud command that grants it', async () => {
  const credentials = join(tmpdir(), `creds-${process.pid}.json`)
  writeFileSync(
    credentials,
    JSON.stringify({
      type: 'service_account',
      client_email: 'deployer@my-project-123.iam.gserviceaccount.com'
    })
  )
  stack.dataprocEmulator.faults.arm({
    route: 'dataproc.CreateBatch',
    times: 1,
    status: 3,
    message:
      "User not authorized to act as service account 'runner@my-project-123.iam.gserviceaccount.com'. To act as a service account, user must have one of [Owner, Editor, Service Account Actor] roles."
  })
  const result = await run(
    { 'service-account': 'runner@my-project-123.iam.gserviceaccount.com' },
    { GOOGLE_APPLICATION_CREDENTIALS: credentials }
  )
  expect(result.code).toBe(1)
  expect(result.stdout).toContain(
    'grant the deploying identity roles/iam.serviceAccountUser on runner@my-project-123.iam.gserviceaccount.com: ' +
      'gcloud iam service-accounts add-iam-policy-binding runner@my-project-123.iam.gserviceaccount.com ' +
      '--member=serviceAccount:deployer@my-project-123.iam.gserviceaccount.com --role=roles/iam.serviceAccountUser'
  )
})
