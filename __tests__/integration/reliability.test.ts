import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Stack } from '../../emulators/stack.js'
import { DIST, postStepEnv, runAction, waitForOutput, workflowEnv } from '../helpers/action.js'
import { cancelBatch } from '../../src/steps/batch/cancel.js'
import { cancelOrphan } from '../../src/steps/batch/orphan.js'
import { makeRepo } from '../helpers/git.js'
import { zipEntries } from '../helpers/project.js'
import {
  createBuckets,
  endedBatch,
  stackDataproc,
  stackInputs,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'

let stack: Stack

beforeAll(async () => {
  stack = await startTestStack('off', 'submit-bucket', 'output-bucket')
})
afterAll(async () => stack?.stop())
afterEach(() => {
  stack.gcs.faults.clear()
  stack.dataprocEmulator.faults.clear()
})

const PREBUILT = '127.0.0.1:5000/my-project-123/kedro/dataproc-serverless:prebuilt'
const PARENT = 'projects/my-project-123/locations/europe-west1'

/** A project whose main file works for a minute, printing as it goes: long enough to abort. */
function slowProject(): string {
  const repo = makeRepo('feature/slow')
  writeFileSync(
    join(repo, 'slow_main.py'),
    'import time\nfor i in range(600):\n    print(f"working {i}", flush=True)\n    time.sleep(0.1)\n'
  )
  return repo
}

/** A project whose main file succeeds at once. */
function quickProject(extraBytes = 0): string {
  const repo = makeRepo('feature/quick')
  writeFileSync(join(repo, 'quick_main.py'), 'print("done", flush=True)\n')
  if (extraBytes) writeFileSync(join(repo, 'data.bin'), randomBytes(extraBytes))
  return repo
}

let runNumber = 200
function env(repo: string): Record<string, string> {
  runNumber += 1
  return workflowEnv({ workspace: repo, runNumber, ref: 'feature/x' })
}

async function batchNamed(name: string) {
  const [batch] = await stackDataproc(stack).getBatch({ name })
  return batch
}

const secondsOf = (time: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  Number(String(time?.seconds ?? 0)) + (time?.nanos ?? 0) / 1e9

describe('abort and timeout cancel the batch', () => {
  test('SIGINT during the watch cancels the batch and fails the step with "cancelled"', async () => {
    let signalledAt = 0
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'slow_main.py' },
      env: env(slowProject()),
      onStart: child => {
        void waitForOutput(child, /working 5\b/).then(() => {
          signalledAt = Date.now() / 1000
          child.kill('SIGINT')
        })
      }
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::kedro-dataproc-action: batch \S+ cancelled/)
    const batch = await batchNamed(JSON.parse(run.outputs.plan as string).batch.name)
    expect(batch.state).toBe('CANCELLED')
    // Its main file prints for 60 s: ended well before, it was the cancel that ended it, however
    // slowly a loaded machine let the action react (the bench measures how fast; this only that).
    expect(secondsOf(batch.stateTime) - signalledAt).toBeLessThan(55)
    expect(run.summary).toContain('CANCELLED')
  })

  test('SIGKILL of the main step, then the post step cancels the batch, though the workspace is gone', async () => {
    const repo = slowProject()
    const runEnv = env(repo)
    const inputs = { ...stackInputs(stack), image: PREBUILT, entrypoint: 'slow_main.py' }
    const main = await runAction({
      inputs,
      env: runEnv,
      onStart: child => void waitForOutput(child, /working 3\b/).then(() => child.kill('SIGKILL'))
    })
    expect(main.signal).toBe('SIGKILL')
    const saved = JSON.parse(main.state['kedro-dataproc'] as string) as { batchName: string }
    const name = saved.batchName
    expect((await batchNamed(name)).state).toBe('RUNNING')
    // A later step removed the checkout; the post step reads only what the main step saved, so
    // it gets no inputs at all here and must not need them.
    rmSync(repo, { recursive: true, force: true })
    const post = await runAction({
      inputs: {},
      env: { ...runEnv, ...postStepEnv(main) },
      script: join(DIST, '..', 'post.js')
    })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(
      `::warning::the main step ended before its batch did: cancelled ${name}`
    )
    expect((await endedBatch(stack, name)).state).toBe('CANCELLED')
  })

  test('with cancel-on-abort: false the post step names the batch it leaves running', async () => {
    const runEnv = env(slowProject())
    const inputs = {
      ...stackInputs(stack),
      image: PREBUILT,
      entrypoint: 'slow_main.py',
      'cancel-on-abort': 'false'
    }
    const main = await runAction({
      inputs,
      env: runEnv,
      onStart: child => void waitForOutput(child, /working 3\b/).then(() => child.kill('SIGKILL'))
    })
    expect(main.signal).toBe('SIGKILL')
    const saved = JSON.parse(main.state['kedro-dataproc'] as string) as {
      batchName: string
      batchId: string
      operation: string
    }
    const post = await runAction({
      inputs: {},
      env: { ...runEnv, ...postStepEnv(main) },
      script: join(DIST, '..', 'post.js')
    })
    expect(post.code).toBe(0)
    // The batch by id, and where to see it; not its operation, not a resource path.
    expect(post.stdout).toContain(
      `cancel-on-abort is false, so batch ${saved.batchId} keeps running: https://console.cloud.google.com/dataproc/batches/europe-west1/${saved.batchId}/summary?project=my-project-123`
    )
    expect(post.stdout).not.toContain(saved.operation)
    const batch = await batchNamed(saved.batchName)
    expect(batch.state).toBe('RUNNING')
    await cancelBatch(stackDataproc(stack), batch.operation as string)
  })

  test('kill -9 while CreateBatch is in flight, then the post step: the batch ends CANCELLED', async () => {
    // Dataproc takes the create, but its answer is held: the main step dies without it.
    stack.dataprocEmulator.faults.arm({
      route: 'dataproc.CreateBatch',
      times: 1,
      afterApply: true,
      delayMs: 20_000
    })
    const runEnv = env(slowProject())
    const creates = (): number =>
      stack.dataprocEmulator.faults.requestCounts()['dataproc.CreateBatch'] ?? 0
    const main = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'slow_main.py' },
      env: runEnv,
      onStart: child =>
        void (async () => {
          while (creates() === 0) await new Promise(resolve => setTimeout(resolve, 20))
          child.kill('SIGKILL')
        })()
    })
    expect(main.signal).toBe('SIGKILL')
    const saved = JSON.parse(main.state['kedro-dataproc'] as string) as {
      batchName: string
      requestId: string
      operation?: string
    }
    // Saved before the create was sent; the operation never came back.
    expect(saved.operation).toBeUndefined()
    const name = saved.batchName
    expect((await batchNamed(name)).labels?.['request-id']).toBe(saved.requestId)
    const post = await runAction({
      inputs: {},
      env: { ...runEnv, ...postStepEnv(main) },
      script: join(DIST, '..', 'post.js')
    })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(
      `::warning::the main step ended before its batch did: cancelled ${name}`
    )
    expect((await endedBatch(stack, name)).state).toBe('CANCELLED')
  })

  test('what the post step finds by name: nothing, a batch of another request, an ended batch', async () => {
    const client = stackDataproc(stack)
    const absent = await cancelOrphan(
      client,
      { name: `${PARENT}/batches/never-created-1234`, requestId: 'r' },
      0
    )
    expect(absent).toEqual({ kind: 'absent' })
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' },
      env: env(quickProject())
    })
    const plan = JSON.parse(run.outputs.plan as string)
    const name = plan.batch.name as string
    expect(await cancelOrphan(client, { name, requestId: 'another-request' }, 0)).toEqual({
      kind: 'foreign'
    })
    expect(
      await cancelOrphan(client, { name, requestId: plan.batch.request.requestId as string }, 0)
    ).toEqual({ kind: 'ended', state: 'SUCCEEDED' })
  })

  test('the post step leaves a finished batch alone', async () => {
    const repo = quickProject()
    const inputs = { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' }
    const runEnv = env(repo)
    const main = await runAction({ inputs, env: runEnv })
    expect(main.code).toBe(0)
    const post = await runAction({
      inputs,
      env: { ...runEnv, ...postStepEnv(main) },
      script: join(DIST, '..', 'post.js')
    })
    expect(post.code).toBe(0)
    expect(post.stdout).not.toContain('cancelled')
  })

  test('a batch that outlives timeout is cancelled and the step fails saying so', async () => {
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'slow_main.py', timeout: '3s' },
      env: env(slowProject())
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('ran longer than timeout and was cancelled')
    expect(run.outputs.state).toBe('CANCELLED')
    expect((await batchNamed(JSON.parse(run.outputs.plan as string).batch.name)).state).toBe(
      'CANCELLED'
    )
  })
})

describe('faults of a real cloud are survived', () => {
  test('GCS 503 ×3 and a connection dropped mid-upload: the objects arrive intact', async () => {
    const repo = quickProject(12 * 1024 * 1024)
    stack.gcs.faults.arm({ route: 'gcs.upload', times: 3, status: 503 })
    stack.gcs.faults.arm({ route: 'gcs.upload', times: 1, drop: true })
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' },
      env: env(repo)
    })
    expect(run.code).toBe(0)
    const counts = stack.gcs.faults.requestCounts()
    expect(counts['gcs.upload']).toBeGreaterThan(4)
    const [bucket, ...path] = (run.outputs['entrypoint-uri'] as string).slice(5).split('/')
    const [metadata] = await stackStorage(stack)
      .bucket(bucket as string)
      .file(path.join('/'))
      .getMetadata()
    const [bytes] = await stackStorage(stack)
      .bucket(bucket as string)
      .file(path.join('/'))
      .download()
    expect(bytes.toString()).toBe(readFileSync(join(repo, 'quick_main.py'), 'utf8'))
    expect(metadata.crc32c).toBeDefined()
    const [zip] = await stackStorage(stack)
      .bucket(bucket as string)
      .file(path.join('/').replace(/entrypoint\.py$/, 'code.zip'))
      .download()
    expect(
      (await zipEntries(zip)).get('data.bin')?.equals(readFileSync(join(repo, 'data.bin')))
    ).toBe(true)
    expect(run.stdout).toContain('done')
  })

  test('CreateBatch UNAVAILABLE after the create was applied: exactly one batch', async () => {
    stack.dataprocEmulator.faults.arm({
      route: 'dataproc.CreateBatch',
      times: 1,
      status: 14,
      afterApply: true
    })
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' },
      env: env(quickProject())
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/CreateBatch failed \(try 1/)
    const plan = JSON.parse(run.outputs.plan as string)
    const [batches] = await stackDataproc(stack).listBatches({ parent: PARENT })
    expect(
      batches.filter(
        batch => batch.labels?.['run-id'] === plan.batch.request.batch.labels['run-id']
      )
    ).toHaveLength(1)
  })

  test('GetBatch INTERNAL ×5 during the watch: the run still ends with the right state', async () => {
    stack.dataprocEmulator.faults.arm({ route: 'dataproc.GetBatch', times: 5, status: 13 })
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' },
      env: env(quickProject())
    })
    expect(run.code).toBe(0)
    expect(run.outputs.state).toBe('SUCCEEDED')
    expect(stack.dataprocEmulator.faults.requestCounts()['dataproc.GetBatch']).toBeGreaterThan(5)
  })

  test('RESOURCE_EXHAUSTED ×2 on create: succeeds after backoff, saying it is the quota', async () => {
    stack.dataprocEmulator.faults.arm({ route: 'dataproc.CreateBatch', times: 2, status: 8 })
    const run = await runAction({
      inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' },
      env: env(quickProject())
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('quota exceeded (RESOURCE_EXHAUSTED)')
    expect(run.outputs.state).toBe('SUCCEEDED')
  })
})

test('refused runs create no object and no batch', async () => {
  await createBuckets(stack, 'refused-submit', 'refused-output')
  const [before] = await stackDataproc(stack).listBatches({ parent: PARENT })
  const base = {
    ...stackInputs(stack),
    'run-submit-bucket': 'refused-submit',
    'run-output-bucket': 'refused-output',
    image: PREBUILT
  }
  const refusals: Record<string, string>[] = [
    { 'kedro-run-args': "--params='a:1'" },
    { region: 'europe-west1-b' },
    { ttl: '1m' },
    { labels: 'Bad=1' },
    { 'spark-properties': 'no-equals-sign' },
    { entrypoint: 'missing.py' }
  ]
  for (const refusal of refusals) {
    const run = await runAction({ inputs: { ...base, ...refusal }, env: env(quickProject()) })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('::error::kedro-dataproc-action: invalid input:')
  }
  // Names Cloud Storage refuses, for the output bucket: the submit bucket would get the code.
  for (const bucket of ['a..b', 'b'.repeat(100), 'goog-out', '192.168.5.4']) {
    const run = await runAction({
      inputs: { ...base, 'run-output-bucket': bucket },
      env: env(quickProject())
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::kedro-dataproc-action: invalid input: run-output-bucket: /)
  }
  // A 965-character branch: its objects' names would pass 1,024 bytes.
  const longBranch = await runAction({
    inputs: base,
    env: {
      ...env(quickProject()),
      GITHUB_REF_NAME: `feature/${'x'.repeat(957)}`
    }
  })
  expect(longBranch.code).toBe(1)
  expect(longBranch.stdout).toMatch(/::error::.*Cloud Storage allows 1024.*shorter branch name/)
  const storage = stackStorage(stack)
  expect((await storage.bucket('refused-submit').getFiles())[0]).toHaveLength(0)
  expect((await storage.bucket('refused-output').getFiles())[0]).toHaveLength(0)
  const [after] = await stackDataproc(stack).listBatches({ parent: PARENT })
  expect(after).toHaveLength(before.length)
})

test('a re-run of the same attempt finds its batch already there and watches it instead of failing', async () => {
  const repo = quickProject()
  const runEnv = env(repo)
  const inputs = { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' }
  const first = await runAction({ inputs, env: runEnv })
  expect(first.code).toBe(0)
  const again = await runAction({ inputs, env: runEnv })
  expect(again.code).toBe(0)
  expect(again.outputs['batch-id']).toBe(first.outputs['batch-id'])
  expect(again.stdout).toContain(`reattached to batch ${first.outputs['batch-id']}`)
  expect(again.outputs.state).toBe('SUCCEEDED')
})

describe('credentials are checked once, before anything happens', () => {
  // A runner without an auth step: no key file, no gcloud login, no metadata server.
  const noCredentials = (): Record<string, string> => ({
    HOME: mkdtempSync(join(tmpdir(), 'home-')),
    GCE_METADATA_HOST: '127.0.0.1:9',
    GCE_METADATA_IP: '127.0.0.1:9'
  })
  // A TLS endpoint means Google, so credentials are needed; nothing may reach the stack.
  const googleInputs = () => ({
    ...stackInputs(stack),
    'run-submit-bucket': 'creds-submit',
    'dataproc-endpoint': 'https://127.0.0.1:9',
    image: PREBUILT
  })

  test('missing credentials fail with what to add', async () => {
    const run = await runAction({
      inputs: googleInputs(),
      env: { ...env(quickProject()), ...noCredentials() }
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /::error::kedro-dataproc-action: no Google Cloud credentials .*google-github-actions\/auth.*id-token: write/
    )
  })

  test('on-missing-credentials: skip ends with a notice and no side effects', async () => {
    await createBuckets(stack, 'creds-submit')
    const run = await runAction({
      inputs: { ...googleInputs(), 'on-missing-credentials': 'skip' },
      env: { ...env(quickProject()), ...noCredentials() }
    })
    expect(run.code).toBe(0)
    expect(run.outputs.state).toBe('SKIPPED')
    expect(run.stdout).toMatch(/::notice::skipped: no Google Cloud credentials/)
    expect((await stackStorage(stack).bucket('creds-submit').getFiles())[0]).toHaveLength(0)
  })
})

test('driver output that cannot be read is a warning; the batch is still watched to its end', async () => {
  stack.gcs.faults.arm({ route: 'gcs.list', times: 1000, status: 403 })
  const run = await runAction({
    inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'quick_main.py' },
    env: env(quickProject())
  })
  stack.gcs.faults.clear()
  expect(run.code).toBe(0)
  expect(run.outputs.state).toBe('SUCCEEDED')
  expect(run.stdout).toMatch(/::warning::driver output cannot be read/)
  expect(run.state['kedro-dataproc-finished']).toBe('true')
})

test('a timeout whose cancel is refused fails saying the batch is still running', async () => {
  stack.dataprocEmulator.faults.arm({ route: 'dataproc.CancelOperation', times: 1, status: 7 })
  const run = await runAction({
    inputs: { ...stackInputs(stack), image: PREBUILT, entrypoint: 'slow_main.py', timeout: '2s' },
    env: env(slowProject())
  })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    /::error::kedro-dataproc-action: could not cancel batch \S+ after the timeout .*it is still running/
  )
  const name = JSON.parse(run.outputs.plan as string).batch.name
  expect((await batchNamed(name)).state).toBe('RUNNING')
  await cancelBatch(stackDataproc(stack), (await batchNamed(name)).operation as string)
})
