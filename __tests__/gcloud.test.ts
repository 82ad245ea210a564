import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStack, type Stack } from '../emulators/stack.js'

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
let configDir: string

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

function gcloud(args: string[]): Promise<Result> {
  // CLOUDSDK_* variables override the configuration (a CLOUDSDK_CORE_PROJECT or an endpoint
  // override from the developer's shell would point the test elsewhere); only the choice of
  // Python interpreter is kept.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('CLOUDSDK_') || key.startsWith('CLOUDSDK_PYTHON')
    )
  )
  return new Promise((resolve, reject) => {
    const child = spawn('gcloud', args, {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, CLOUDSDK_CONFIG: configDir, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', code => resolve({ code, stdout, stderr }))
  })
}

/** Runs gcloud and fails with its output when it exits non-zero. */
async function ok(args: string[]): Promise<string> {
  const result = await gcloud(args)
  if (result.code !== 0) {
    throw new Error(
      `gcloud ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`
    )
  }
  return result.stdout
}

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
  work = await mkdtemp(join(tmpdir(), 'kda-gcloud-'))
  configDir = join(work, 'config')
  for (const [property, value] of [
    ['api_endpoint_overrides/storage', `${stack.storage}/storage/v1/`],
    ['api_endpoint_overrides/dataproc', `${stack.dataprocRest}/`],
    ['auth/disable_credentials', 'true'],
    ['core/project', PROJECT],
    ['core/disable_usage_reporting', 'true'],
    ['component_manager/disable_update_check', 'true']
  ] as const) {
    await ok(['config', 'set', property, value])
  }
  await ok(['storage', 'buckets', 'create', `gs://${BUCKET}`])
}, 120000)

afterAll(async () => {
  await stack?.stop()
  if (work) await rm(work, { recursive: true, force: true })
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
}, 180000)

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
  const deadline = Date.now() + 30000
  while ((await batchState(id)) !== 'CANCELLED' && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  expect(await batchState(id)).toBe('CANCELLED')

  await ok(['dataproc', 'batches', 'delete', id, region])
  const gone = await gcloud(['dataproc', 'batches', 'describe', id, region])
  expect(gone.code).not.toBe(0)
  expect(gone.stderr).toMatch(/NOT_FOUND|not found/i)
}, 180000)

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
}, 180000)
