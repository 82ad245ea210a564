import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { protos, v1 } from '@google-cloud/dataproc'
import { googleAuthLibrary, grpc } from 'google-gax'
import { ZipFile } from 'yazl'
import { startGcsEmulator } from '../../../emulators/gcs/server.js'
import { startDataprocEmulator, type DataprocEmulator } from '../../../emulators/dataproc/server.js'

type Client = v1.BatchControllerClient
type Batch = protos.google.cloud.dataproc.v1.IBatch

const PARENT = 'projects/test-project/locations/us-central1'
const BUCKET = 'submit-bucket'
const ROLLOVER = 1024

let gcs: Awaited<ReturnType<typeof startGcsEmulator>>
let dataproc: DataprocEmulator
let dataDir: string
let grpcClient: Client
let restClient: Client
let counter = 0

const uniqueId = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`

async function gcsUpload(name: string, data: Buffer | string): Promise<string> {
  const query = new URLSearchParams({ uploadType: 'media', name })
  const response = await fetch(`${gcs.url}/upload/storage/v1/b/${BUCKET}/o?${query.toString()}`, {
    method: 'POST',
    body: typeof data === 'string' ? Buffer.from(data) : data
  })
  expect(response.status).toBe(200)
  return `gs://${BUCKET}/${name}`
}

async function gcsRead(uri: string): Promise<Buffer | undefined> {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri)
  if (!match?.[1] || !match[2]) throw new Error(`bad uri ${uri}`)
  const response = await fetch(
    `${gcs.url}/storage/v1/b/${match[1]}/o/${encodeURIComponent(match[2])}?alt=media`
  )
  if (response.status === 404) return undefined
  expect(response.status).toBe(200)
  return Buffer.from(await response.arrayBuffer())
}

/** Reads a finished driver output series: every object up to the zero-byte end marker. */
async function readOutputSeries(outputUri: string): Promise<Buffer[]> {
  const parts: Buffer[] = []
  for (let index = 0; ; index += 1) {
    const part = await gcsRead(`${outputUri}.${String(index).padStart(9, '0')}`)
    if (part === undefined) throw new Error(`output object ${index} is missing`)
    if (part.length === 0) return parts
    parts.push(part)
  }
}

function zip(entries: Record<string, string>): Promise<Buffer> {
  const archive = new ZipFile()
  for (const [name, content] of Object.entries(entries))
    archive.addBuffer(Buffer.from(content), name)
  archive.end()
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk))
    archive.outputStream.on('end', () => resolve(Buffer.concat(chunks)))
    archive.outputStream.on('error', reject)
  })
}

async function waitForState(
  client: Client,
  name: string,
  states: string[],
  timeoutMs = 900_000
): Promise<Batch> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [batch] = await client.getBatch({ name })
    if (states.includes(String(batch.state))) return batch
    if (Date.now() > deadline) throw new Error(`batch ${name} still ${String(batch.state)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

async function createBatch(
  client: Client,
  mainPythonFileUri: string,
  extra: { batchId?: string; requestId?: string; args?: string[] } = {}
): Promise<{ operationName: string; batchName: string }> {
  const batchId = extra.batchId ?? uniqueId('batch')
  const [operation] = await client.createBatch({
    parent: PARENT,
    batchId,
    requestId: extra.requestId,
    batch: { pysparkBatch: { mainPythonFileUri, args: extra.args ?? [] } }
  })
  return { operationName: operation.name ?? '', batchName: `${PARENT}/batches/${batchId}` }
}

async function expectCode(
  promise: Promise<unknown>,
  code: number,
  message?: RegExp
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as { code?: number; message?: string }
  )
  expect(error).toBeDefined()
  expect(error?.code).toBe(code)
  if (message) expect(error?.message).toMatch(message)
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dataproc-emulator-test-'))
  gcs = await startGcsEmulator({ dataDir: join(dataDir, 'gcs') })
  const bucket = await fetch(`${gcs.url}/storage/v1/b?project=test-project`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: BUCKET })
  })
  expect(bucket.status).toBe(200)
  dataproc = await startDataprocEmulator({
    dataDir: join(dataDir, 'dataproc'),
    storageUrl: gcs.url,
    pendingMs: 200,
    teardownMs: 200,
    outputRolloverBytes: ROLLOVER
  })
  const [host, port] = dataproc.grpcAddress.split(':')
  // sslCreds replaces the channel credentials outright (no call credentials are combined in), and
  // a PassThroughClient as authClient becomes GoogleAuth's cached client: it adds no headers, and
  // the universe-domain check reads it instead of probing the metadata server.
  grpcClient = new v1.BatchControllerClient({
    apiEndpoint: host,
    port: Number(port),
    sslCreds: grpc.credentials.createInsecure(),
    authClient: new googleAuthLibrary.PassThroughClient()
  })
  const rest = new URL(dataproc.restUrl)
  restClient = new v1.BatchControllerClient({
    apiEndpoint: rest.hostname,
    port: Number(rest.port),
    protocol: 'http',
    fallback: true,
    authClient: new googleAuthLibrary.PassThroughClient()
  })
})

afterAll(async () => {
  await grpcClient?.close()
  await restClient?.close()
  await dataproc?.close()
  await gcs?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

afterEach(() => dataproc.faults.clear())

test('a batch runs main.py on Spark with its archive, properties and driver and executor env, streams its output and succeeds', async () => {
  const main = await gcsUpload(
    'run/main.py',
    [
      'import os, sys',
      'from pyspark.sql import SparkSession',
      'print("args", sys.argv[1:])',
      'print("archive", open(os.path.join("code", "message.txt")).read().strip())',
      'print("env", os.environ["GREETING"])',
      'print("to stderr", file=sys.stderr)',
      'spark = SparkSession.builder.getOrCreate()',
      'print("property", spark.conf.get("spark.other"))',
      'task = spark.sparkContext.parallelize([0], 1).map(lambda _: os.environ.get("TASK_VAR"))',
      'print("executor env", task.collect()[0])',
      'path = os.environ["PYTHONPATH"].split(os.pathsep)',
      'print("pythonpath", "/opt/extra-lib" in path and "/opt/extra-lib" in sys.path, len(path) > 1)',
      'print("done")'
    ].join('\n')
  )
  const archive = await gcsUpload(
    'run/code.zip',
    await zip({ 'message.txt': 'from the archive\n' })
  )
  const batchId = uniqueId('ok')
  const [operation] = await grpcClient.createBatch({
    parent: PARENT,
    batchId,
    requestId: uniqueId('req'),
    batch: {
      pysparkBatch: {
        mainPythonFileUri: main,
        args: ['--kedro-run-args=--env=dev'],
        archiveUris: [`${archive}#code`]
      },
      runtimeConfig: {
        properties: {
          'spark.dataproc.driverEnv.GREETING': 'hello',
          // Kept and extended by spark-submit (with PySpark's own paths), never replaced.
          'spark.dataproc.driverEnv.PYTHONPATH': '/opt/extra-lib',
          'spark.executorEnv.TASK_VAR': 'from a task',
          'spark.other': 'x'
        }
      },
      labels: { team: 'data' }
    }
  })
  expect(operation.name).toMatch(
    /^projects\/test-project\/regions\/us-central1\/operations\/[0-9a-f-]{36}$/
  )
  const created = await waitForState(grpcClient, `${PARENT}/batches/${batchId}`, [
    'PENDING',
    'RUNNING'
  ])
  expect(created.runtimeConfig?.version).toBe('2.2')
  expect(created.operation).toBe(operation.name)

  const batch = await waitForState(grpcClient, `${PARENT}/batches/${batchId}`, [
    'SUCCEEDED',
    'FAILED'
  ])
  expect(batch.state).toBe('SUCCEEDED')
  expect(batch.stateHistory?.map(entry => entry.state)).toEqual(['PENDING', 'RUNNING'])
  // The service adds its own labels, and from runtime 2.1 a 4-hour ttl when none is set.
  expect(batch.labels).toEqual({
    team: 'data',
    'goog-dataproc-batch-id': batchId,
    'goog-dataproc-batch-uuid': batch.uuid,
    'goog-dataproc-location': 'us-central1'
  })
  expect(Number(batch.environmentConfig?.executionConfig?.ttl?.seconds)).toBe(14400)
  expect(Number(batch.runtimeInfo?.approximateUsage?.milliDcuSeconds)).toBeGreaterThan(0)
  const outputUri = batch.runtimeInfo?.outputUri ?? ''
  expect(outputUri).toBe(
    `gs://dataproc-staging-us-central1-emulator/google-cloud-dataproc-metainfo/${batch.uuid}/jobs/srvls-batch-${batch.uuid}/driveroutput`
  )
  const output = Buffer.concat(await readOutputSeries(outputUri)).toString('utf8')
  expect(output).toMatch(
    /^local stack: Spark 3\.5\.\d+, Python 3\.\d+\.\d+ \(\/\S+\/python\d*\), Java [\d.]+, default environment, spark-submit --master local\[2\], UID \d+\n/
  )
  expect(output.slice(output.indexOf('\n') + 1)).toBe(
    [
      "args ['--kedro-run-args=--env=dev']",
      'archive from the archive',
      'env hello',
      'to stderr',
      'property x',
      'executor env from a task',
      'pythonpath True True',
      'done',
      ''
    ].join('\n')
  )
  // Its working directory (main file, archive, unpacked code) goes with it, as the container does.
  const workDir = join(dataDir, 'dataproc', 'batches', batch.uuid ?? '')
  // Removed once the batch has ended, however long that takes under load.
  while (existsSync(workDir)) await new Promise(resolve => setTimeout(resolve, 50))

  // The operation completes after the batch, with the batch as its response (which the client
  // decodes as a raw message: numeric enums).
  const [result] = await operation.promise()
  expect(result.name).toBe(batch.name)
  expect(result.state).toBe(protos.google.cloud.dataproc.v1.Batch.State.SUCCEEDED)
})

test('a failing main file ends FAILED with the service-style message', async () => {
  const main = await gcsUpload('fail/main.py', 'print("starting")\nraise ValueError("boom")\n')
  const { batchName } = await createBatch(grpcClient, main)
  const batch = await waitForState(grpcClient, batchName, ['SUCCEEDED', 'FAILED'])
  expect(batch.state).toBe('FAILED')
  // The service's shape: the driver's exception, then where to look further.
  const [id] = batchName.split('/').slice(-1)
  expect(batch.stateMessage).toBe(
    [
      'Job failed with message [ValueError: boom]. Additional details can be found at:',
      `https://console.cloud.google.com/dataproc/batches/us-central1/${id}?project=test-project`,
      `gcloud dataproc batches wait '${id}' --region 'us-central1' --project 'test-project'`,
      `${batch.runtimeInfo?.outputUri}.*`
    ].join('\n')
  )
  const output = Buffer.concat(await readOutputSeries(batch.runtimeInfo?.outputUri ?? '')).toString(
    'utf8'
  )
  expect(output).toMatch(/^local stack: Spark .*\nstarting\nTraceback/)
  // A missing main file fails the batch too.
  const missing = await createBatch(grpcClient, `gs://${BUCKET}/no/such/main.py`)
  const failed = await waitForState(grpcClient, missing.batchName, ['SUCCEEDED', 'FAILED'])
  expect(failed.stateMessage).toContain('File not found')
})

test('an archive entry that would be written outside its directory fails the batch', async () => {
  // yazl will not write such a name; Python's zipfile will.
  const escaping = execFileSync('python3', [
    '-c',
    'import io, sys, zipfile\n' +
      'b = io.BytesIO()\n' +
      'with zipfile.ZipFile(b, "w") as z: z.writestr("../escaped.txt", "x")\n' +
      'sys.stdout.buffer.write(b.getvalue())'
  ])
  const archive = await gcsUpload('escape/code.zip', escaping)
  const main = await gcsUpload('escape/main.py', 'print("the driver ran")\n')
  const batchId = uniqueId('escape')
  await grpcClient.createBatch({
    parent: PARENT,
    batchId,
    batch: { pysparkBatch: { mainPythonFileUri: main, archiveUris: [`${archive}#code`] } }
  })
  const batch = await waitForState(grpcClient, `${PARENT}/batches/${batchId}`, [
    'SUCCEEDED',
    'FAILED'
  ])
  expect(batch.state).toBe('FAILED')
  expect(batch.stateMessage).toMatch(/entry '\.\.\/escaped\.txt' would be written outside/)
  const output = Buffer.concat(await readOutputSeries(batch.runtimeInfo?.outputUri ?? ''))
  expect(output.toString('utf8')).not.toContain('the driver ran')
})

test('a reused batch id is ALREADY_EXISTS; a repeated request id returns the first operation', async () => {
  const main = await gcsUpload('ids/main.py', 'print("hi")\n')
  const batchId = uniqueId('dup')
  const first = await createBatch(grpcClient, main, { batchId, requestId: uniqueId('a') })
  await expectCode(
    createBatch(grpcClient, main, { batchId, requestId: uniqueId('b') }),
    grpc.status.ALREADY_EXISTS
  )

  const requestId = uniqueId('same')
  const once = await createBatch(grpcClient, main, { batchId: uniqueId('idem'), requestId })
  const twice = await createBatch(grpcClient, main, { batchId: uniqueId('idem'), requestId })
  expect(twice.operationName).toBe(once.operationName)
  const [batches] = await grpcClient.listBatches({ parent: PARENT, pageSize: 1000 })
  expect(batches.filter(batch => batch.operation === once.operationName)).toHaveLength(1)
  expect(batches.some(batch => batch.name === twice.batchName)).toBe(false)
  expect(first.operationName).not.toBe(once.operationName)
})

test('invalid requests are INVALID_ARGUMENT with the reason', async () => {
  const main = `gs://${BUCKET}/any/main.py`
  await expectCode(
    createBatch(grpcClient, main, { batchId: 'Bad_Id' }),
    grpc.status.INVALID_ARGUMENT,
    /Batch ID/
  )
  await expectCode(
    createBatch(grpcClient, main, { batchId: 'abc' }),
    grpc.status.INVALID_ARGUMENT,
    /Batch ID/
  )
  await expectCode(
    createBatch(grpcClient, main, { requestId: 'has space' }),
    grpc.status.INVALID_ARGUMENT,
    /Request ID/
  )
  const invalid = async (batch: object, message: RegExp): Promise<void> =>
    expectCode(
      grpcClient.createBatch({ parent: PARENT, batchId: uniqueId('bad'), batch }),
      grpc.status.INVALID_ARGUMENT,
      message
    )
  await invalid({ pysparkBatch: { mainPythonFileUri: main }, labels: { Team: 'x' } }, /label key/)
  await invalid(
    { pysparkBatch: { mainPythonFileUri: main }, labels: { team: 'X Y' } },
    /label value/
  )
  const ttl = (seconds: number): object => ({
    pysparkBatch: { mainPythonFileUri: main },
    environmentConfig: { executionConfig: { ttl: { seconds } } }
  })
  await invalid(ttl(60), /ttl/)
  await invalid(ttl(15 * 24 * 3600), /ttl/)
  await invalid(
    {
      pysparkBatch: { mainPythonFileUri: main },
      environmentConfig: { executionConfig: { stagingBucket: 'gs://b' } }
    },
    /staging_bucket/
  )
  await invalid({ pysparkBatch: {} }, /main_python_file_uri/)
  await invalid({}, /Exactly one/)

  // The same over REST: HTTP 400 in Google's JSON error shape.
  const response = await fetch(`${dataproc.restUrl}/v1/${PARENT}/batches?batchId=Bad_Id`, {
    method: 'POST',
    body: JSON.stringify({ pysparkBatch: { mainPythonFileUri: main } })
  })
  expect(response.status).toBe(400)
  const body = (await response.json()) as {
    error: { code: number; status: string; message: string }
  }
  expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' })
  expect(body.error.message).toMatch(/Batch ID/)
})

test('output larger than the rollover size is split into full objects and ends with a zero-byte object', async () => {
  const main = await gcsUpload(
    'big/main.py',
    'import sys\nfor i in range(100):\n    sys.stdout.write("line %04d %s\\n" % (i, "x" * 40))\n'
  )
  const { batchName } = await createBatch(grpcClient, main)
  const batch = await waitForState(grpcClient, batchName, ['SUCCEEDED', 'FAILED'])
  expect(batch.state).toBe('SUCCEEDED')
  const parts = await readOutputSeries(batch.runtimeInfo?.outputUri ?? '')
  const expected = Array.from(
    { length: 100 },
    (_, i) => `line ${String(i).padStart(4, '0')} ${'x'.repeat(40)}\n`
  ).join('')
  const output = Buffer.concat(parts).toString('utf8')
  expect(parts.length).toBe(Math.ceil(output.length / ROLLOVER))
  for (const part of parts.slice(0, -1)) expect(part.length).toBe(ROLLOVER)
  expect(output).toMatch(/^local stack: Spark [^\n]+\n/)
  expect(output.slice(output.indexOf('\n') + 1)).toBe(expected)
})

test('cancelling the operation of a running batch kills the driver and ends CANCELLED', async () => {
  const main = await gcsUpload(
    'cancel/main.py',
    'import time\nprint("started", flush=True)\ntime.sleep(60)\nprint("not reached")\n'
  )
  const { operationName, batchName } = await createBatch(grpcClient, main)
  const cancelRequest = protos.google.longrunning.CancelOperationRequest.create({
    name: operationName
  })
  const running = await waitForState(grpcClient, batchName, ['RUNNING'])
  const outputUri = running.runtimeInfo?.outputUri ?? ''
  // Wait until the main file has really started (its output shows up) before cancelling.
  const started = async (): Promise<boolean> =>
    ((await gcsRead(`${outputUri}.000000000`))?.toString() ?? '').includes('started')
  while (!(await started())) await new Promise(resolve => setTimeout(resolve, 100))
  await expectCode(grpcClient.deleteBatch({ name: batchName }), grpc.status.FAILED_PRECONDITION)
  await grpcClient.operationsClient.cancelOperation(cancelRequest)
  const [cancelling] = await grpcClient.getBatch({ name: batchName })
  expect(['CANCELLING', 'CANCELLED']).toContain(cancelling.state)
  const batch = await waitForState(grpcClient, batchName, ['CANCELLED', 'SUCCEEDED', 'FAILED'])
  expect(batch.state).toBe('CANCELLED')
  expect(batch.stateHistory?.map(entry => entry.state)).toEqual([
    'PENDING',
    'RUNNING',
    'CANCELLING'
  ])
  expect(Buffer.concat(await readOutputSeries(outputUri)).toString('utf8')).toMatch(
    /^local stack: Spark [^\n]+\nstarted\n$/
  )
  await expectCode(
    grpcClient.operationsClient.cancelOperation(cancelRequest),
    grpc.status.FAILED_PRECONDITION
  )
  await grpcClient.deleteBatch({ name: batchName })
  await expectCode(grpcClient.getBatch({ name: batchName }), grpc.status.NOT_FOUND)
})

test('a running batch reports its current usage and a usage so far that grows with time and executors', async () => {
  const main = await gcsUpload(
    'usage/main.py',
    'import time\nprint("started", flush=True)\ntime.sleep(60)\n'
  )
  const batchName = `${PARENT}/batches/${uniqueId('usage')}`
  const [operation] = await grpcClient.createBatch({
    parent: PARENT,
    batchId: batchName.split('/').pop(),
    batch: {
      pysparkBatch: { mainPythonFileUri: main },
      runtimeConfig: { properties: { 'spark.executor.instances': '10' } }
    }
  })
  await waitForState(grpcClient, batchName, ['RUNNING'])
  const [first] = await grpcClient.getBatch({ name: batchName })
  // The driver and 10 executors of the default shape (4 vCPUs, 16 GB): 4 DCUs each.
  expect(Number(first.runtimeInfo?.currentUsage?.milliDcu)).toBe(44_000)
  expect(Number(first.runtimeInfo?.currentUsage?.shuffleStorageGb)).toBe(11 * 200)
  expect(Number(first.runtimeInfo?.currentUsage?.snapshotTime?.seconds)).toBeGreaterThan(0)
  const usedAt = async (): Promise<number> => {
    const [batch] = await grpcClient.getBatch({ name: batchName })
    return Number(batch.runtimeInfo?.approximateUsage?.milliDcuSeconds)
  }
  const before = await usedAt()
  let later = before
  while (later <= before) later = await usedAt()
  expect(later).toBeGreaterThan(before)
  await grpcClient.operationsClient.cancelOperation(
    protos.google.longrunning.CancelOperationRequest.create({ name: operation.name ?? '' })
  )
  const ended = await waitForState(grpcClient, batchName, ['CANCELLED'])
  expect(ended.runtimeInfo?.currentUsage).toBeFalsy()
  expect(Number(ended.runtimeInfo?.approximateUsage?.milliDcuSeconds)).toBeGreaterThanOrEqual(later)
  await grpcClient.deleteBatch({ name: batchName })
})

test('a create whose answer is lost (UNAVAILABLE after applying) is safe to retry with the same request id', async () => {
  const main = await gcsUpload('fault/main.py', 'print("once")\n')
  dataproc.faults.arm({
    route: 'dataproc.CreateBatch',
    times: 1,
    status: grpc.status.UNAVAILABLE,
    afterApply: true
  })
  const batchId = uniqueId('retry')
  const requestId = uniqueId('req')
  await expectCode(createBatch(grpcClient, main, { batchId, requestId }), grpc.status.UNAVAILABLE)
  const retried = await createBatch(grpcClient, main, { batchId, requestId })
  const [batches] = await grpcClient.listBatches({ parent: PARENT, pageSize: 1000 })
  expect(batches.filter(batch => batch.name === retried.batchName)).toHaveLength(1)
  expect(dataproc.faults.requestCounts()['dataproc.CreateBatch']).toBeGreaterThanOrEqual(2)

  // RESOURCE_EXHAUSTED over REST is HTTP 429 in Google's error shape.
  dataproc.faults.arm({
    route: 'dataproc.GetBatch',
    times: 1,
    status: grpc.status.RESOURCE_EXHAUSTED
  })
  const response = await fetch(`${dataproc.restUrl}/v1/${retried.batchName}`)
  expect(response.status).toBe(429)
  expect(((await response.json()) as { error: { status: string } }).error.status).toBe(
    'RESOURCE_EXHAUSTED'
  )
})

test('the REST transport creates, gets and lists batches', async () => {
  const main = await gcsUpload('rest/main.py', 'print("over rest")\n')
  const batchId = uniqueId('rest')
  const [operation] = await restClient.createBatch({
    parent: PARENT,
    batchId,
    requestId: uniqueId('req'),
    batch: {
      pysparkBatch: { mainPythonFileUri: main },
      environmentConfig: { executionConfig: { ttl: { seconds: 14400 }, stagingBucket: BUCKET } }
    }
  })
  expect(operation.name).toMatch(/^projects\/test-project\/regions\/us-central1\/operations\//)
  const name = `${PARENT}/batches/${batchId}`
  const batch = await waitForState(restClient, name, ['SUCCEEDED', 'FAILED'])
  expect(batch.state).toBe('SUCCEEDED')
  expect(batch.environmentConfig?.executionConfig?.ttl?.seconds).toBe('14400')
  expect(batch.runtimeInfo?.outputUri).toMatch(
    new RegExp(`^gs://${BUCKET}/google-cloud-dataproc-metainfo/`)
  )
  const [page] = await restClient.listBatches({ parent: PARENT, filter: 'state = SUCCEEDED' })
  expect(page.map(b => b.name)).toContain(name)
  expect(page.every(b => b.state === 'SUCCEEDED')).toBe(true)
  const [result] = await operation.promise()
  expect(result.name).toBe(name)

  // The wire format: proto3 JSON with string enums unless numeric ones are asked for.
  const plain = (await (await fetch(`${dataproc.restUrl}/v1/${name}`)).json()) as Record<
    string,
    unknown
  >
  expect(plain.state).toBe('SUCCEEDED')
  expect(plain.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  expect(plain.environmentConfig).toEqual({
    executionConfig: { ttl: '14400s', stagingBucket: BUCKET }
  })
  const numeric = (await (
    await fetch(`${dataproc.restUrl}/v1/${name}?$alt=json%3Benum-encoding=int`)
  ).json()) as {
    state: unknown
  }
  expect(numeric.state).toBe(5)
  const op = (await (await fetch(`${dataproc.restUrl}/v1/${operation.name ?? ''}`)).json()) as {
    done: boolean
    metadata: Record<string, unknown>
    response: Record<string, unknown>
  }
  expect(op.done).toBe(true)
  expect(op.metadata).toMatchObject({
    '@type': 'type.googleapis.com/google.cloud.dataproc.v1.BatchOperationMetadata',
    batch: name,
    batchUuid: batch.uuid,
    operationType: 'BATCH'
  })
  expect(op.response).toMatchObject({
    '@type': 'type.googleapis.com/google.cloud.dataproc.v1.Batch',
    name
  })
})
