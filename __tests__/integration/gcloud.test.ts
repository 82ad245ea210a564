import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startStack, type Stack } from '../../emulators/stack.js'
import { gcloudFor, type Gcloud, type GcloudResult } from '../helpers/gcloud.js'

/**
 * Fidelity: the installed Google Cloud CLI, pointed at the stack the way a developer would
 * (api_endpoint_overrides, no credentials), must upload, list, read, submit, describe, cancel and
 * delete as it does against Google. gcloud takes about a second per call, so calls are few.
 */

const PROJECT = 'fidelity-project'
const REGION = 'europe-west1'
const BUCKET = 'fidelity-bucket'
const BIG = 50 * 1024 * 1024

let stack: Stack
let work: string
let gcloudCli: Gcloud
const gcloud = (args: string[]): Promise<GcloudResult> => gcloudCli.run(args)
const ok = (args: string[]): Promise<string> => gcloudCli.ok(args)

async function upload(name: string, body: string): Promise<string> {
  const query = new URLSearchParams({ uploadType: 'media', name })
  const response = await fetch(`${stack.storage}/upload/storage/v1/b/${BUCKET}/o?${query}`, {
    method: 'POST',
    body
  })
  expect(response.status).toBe(200)
  return `gs://${BUCKET}/${name}`
}

async function batchState(id: string): Promise<string> {
  const response = await fetch(
    `${stack.dataprocRest}/v1/projects/${PROJECT}/locations/${REGION}/batches/${id}`
  )
  return ((await response.json()) as { state?: string }).state ?? `HTTP ${response.status}`
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

beforeAll(async () => {
  stack = await startStack({ docker: 'off', pendingMs: 300, teardownMs: 200 })
  gcloudCli = await gcloudFor(stack, PROJECT)
  work = gcloudCli.work
  await ok(['storage', 'buckets', 'create', `gs://${BUCKET}`])
})

afterAll(async () => {
  await stack?.stop()
  await gcloudCli?.remove()
})

test('gcloud storage: resumable and simple uploads, ls, cat and download', async () => {
  const big = randomBytes(BIG)
  const small = 'small file\nwith two lines\n'
  await writeFile(join(work, 'big.bin'), big)
  await writeFile(join(work, 'small.txt'), small)
  const before = stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0

  await ok(['storage', 'cp', 'big.bin', 'small.txt', `gs://${BUCKET}/data/`])
  // A resumable upload takes at least two requests (start the session, send the bytes); the small
  // file takes one.
  expect((stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0) - before).toBeGreaterThanOrEqual(3)

  const listing = await ok(['storage', 'ls', `gs://${BUCKET}/data/`])
  expect(listing.split('\n').filter(Boolean).sort()).toEqual([
    `gs://${BUCKET}/data/big.bin`,
    `gs://${BUCKET}/data/small.txt`
  ])
  expect(await ok(['storage', 'cat', `gs://${BUCKET}/data/small.txt`])).toBe(small)

  await ok(['storage', 'cp', `gs://${BUCKET}/data/big.bin`, 'back.bin'])
  const back = await readFile(join(work, 'back.bin'))
  expect(back.length).toBe(BIG)
  expect(sha256(back)).toBe(sha256(big))
})

test('gcloud dataproc batches: submit --async, describe, list, cancel, delete', async () => {
  const main = await upload(
    'jobs/slow.py',
    'import time\nprint("started", flush=True)\ntime.sleep(120)\n'
  )
  const id = 'fidelity-slow-1'
  const region = `--region=${REGION}`
  await ok(['dataproc', 'batches', 'submit', 'pyspark', main, region, `--batch=${id}`, '--async'])

  const described = JSON.parse(
    await ok(['dataproc', 'batches', 'describe', id, region, '--format=json'])
  ) as {
    name: string
    state: string
    runtimeConfig?: { version?: string }
    pysparkBatch?: { mainPythonFileUri?: string }
  }
  expect(described.name).toBe(`projects/${PROJECT}/locations/${REGION}/batches/${id}`)
  expect(['PENDING', 'RUNNING']).toContain(described.state)
  expect(described.runtimeConfig?.version).toBeTruthy()
  expect(described.pysparkBatch?.mainPythonFileUri).toBe(main)

  const listed = JSON.parse(await ok(['dataproc', 'batches', 'list', region, '--format=json'])) as {
    name: string
  }[]
  expect(listed.map(b => b.name)).toContain(described.name)

  await ok(['dataproc', 'batches', 'cancel', id, region])
  // Until it ends, however long that takes under load; then which end it came to.
  let state = await batchState(id)
  while (!['CANCELLED', 'SUCCEEDED', 'FAILED'].includes(state)) {
    await new Promise(resolve => setTimeout(resolve, 200))
    state = await batchState(id)
  }
  expect(state).toBe('CANCELLED')

  await ok(['dataproc', 'batches', 'delete', id, region])
  const gone = await gcloud(['dataproc', 'batches', 'describe', id, region])
  expect(gone.code).not.toBe(0)
  expect(gone.stderr).toMatch(/NOT_FOUND|not found/i)
})

test('gcloud dataproc batches submit (synchronous) streams the driver output and reports the outcome', async () => {
  const good = await upload(
    'jobs/good.py',
    'import sys\nprint("hello from the driver", flush=True)\nprint("args:", sys.argv[1:], flush=True)\n'
  )
  const bad = await upload(
    'jobs/bad.py',
    'print("about to fail", flush=True)\nraise SystemExit(3)\n'
  )
  const region = `--region=${REGION}`

  const succeeded = await gcloud([
    'dataproc',
    'batches',
    'submit',
    'pyspark',
    good,
    region,
    '--batch=fidelity-good-1',
    '--',
    'a1',
    'b 2'
  ])
  expect(succeeded.code).toBe(0)
  const goodOutput = succeeded.stdout + succeeded.stderr
  expect(goodOutput).toContain('hello from the driver')
  expect(goodOutput).toContain("args: ['a1', 'b 2']")

  const failed = await gcloud([
    'dataproc',
    'batches',
    'submit',
    'pyspark',
    bad,
    region,
    '--batch=fidelity-bad-1'
  ])
  expect(failed.code).not.toBe(0)
  const badOutput = failed.stdout + failed.stderr
  expect(badOutput).toContain('about to fail')
  expect(badOutput).toContain('FAILED')
})
