import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { protos } from '@google-cloud/dataproc'
import type { Stack } from '../../emulators/stack.js'
import {
  downloadUri,
  skipWithoutDocker,
  stackDataproc,
  stackStorage,
  startTestStack
} from '../helpers/stack.js'
import { manifestDigest } from '../helpers/image-files.js'
import { TEST_IMAGE_ENV, testImage } from '../helpers/test-image.js'

/**
 * Batches run inside their containerImage, as on Dataproc: pulled by digest from the stack's
 * registry, as UID 1099, with the image's ENV and Python, the runtime's Spark and JDK mounted.
 * Batches run in a container here (one per Spark, one in an image that bundles Spark, one that is
 * cancelled); one never gets to start one.
 */
type Batch = protos.google.cloud.dataproc.v1.IBatch

const PROJECT = 'my-project-123'
const PARENT = `projects/${PROJECT}/locations/europe-west1`
let stack: Stack
let image: string
let skip = false
let counter = 0

beforeAll(async () => {
  stack = await startTestStack('docker', 'submit-bucket', 'output-bucket')
  skip = skipWithoutDocker(stack)
  if (!skip) image = await testImage(stack)
})
afterAll(async () => stack?.stop())

const MAIN = `import os, sys
from pyspark.sql import SparkSession
print(f"ENV {os.environ.get('${TEST_IMAGE_ENV}')}")
print(f"DRIVER {os.getuid()}:{os.getgid()} {sys.executable}")
spark = SparkSession.builder.getOrCreate()
print(f"SPARK {spark.version}")
workers = spark.sparkContext.parallelize(range(2), 2).map(lambda _: os.getuid()).collect()
print(f"EXECUTORS {sorted(set(workers))}")
if len(sys.argv) > 1:
    from kedro_datasets.spark import SparkDataset
    df = spark.createDataFrame([(1, "a"), (2, "b")], ["id", "name"])
    csv = SparkDataset(filepath=sys.argv[1] + "/rows.csv", file_format="csv",
                       save_args={"header": True, "mode": "overwrite"}, load_args={"header": True})
    csv.save(df)
    print(f"CSV {sorted(row.name for row in csv.load().collect())}")
    df.write.mode("overwrite").json(sys.argv[1] + "/rows.json")
    print(f"JSON {spark.read.json(sys.argv[1] + '/rows.json').count()}")
`

async function submit(runtime: string, containerImage: string, args: string[] = []) {
  return waitTerminal(await create(runtime, containerImage, MAIN, args))
}

/** Creates a batch running `code` in `containerImage`; returns its name. */
async function create(
  runtime: string,
  containerImage: string,
  code: string,
  args: string[] = []
): Promise<string> {
  counter += 1
  const main = `gs://submit-bucket/containers/${counter}/main.py`
  await stackStorage(stack).bucket('submit-bucket').file(`containers/${counter}/main.py`).save(code)
  const client = stackDataproc(stack)
  const batchId = `containers-${Date.now().toString(36)}-${counter}`
  await client.createBatch({
    parent: PARENT,
    batchId,
    batch: {
      pysparkBatch: { mainPythonFileUri: main, args },
      runtimeConfig: { version: runtime, containerImage }
    }
  })
  return `${PARENT}/batches/${batchId}`
}

const docker = promisify(execFile)

/** The test image with `lines` added to its Dockerfile, pushed to the stack's registry; by digest. */
async function derivedImage(name: string, lines: string[]): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'kda-derived-'))
  const host = ['-H', stack.dockerHost as string]
  const tag = `${stack.registry}/${PROJECT}/kedro/${name}:1`
  try {
    await writeFile(join(context, 'Dockerfile'), [`FROM ${image}`, ...lines, ''].join('\n'))
    await docker('docker', [...host, 'build', '--tag', tag, context])
    await docker('docker', [...host, 'push', '--quiet', tag])
  } finally {
    await rm(context, { recursive: true, force: true })
  }
  const digest = await manifestDigest(stack.registry as string, `${PROJECT}/kedro/${name}`, '1')
  return `${stack.registry}/${PROJECT}/kedro/${name}@${digest}`
}

/** Polls until the batch ends: Spark in a container under load takes what it takes. */
async function waitTerminal(name: string): Promise<Batch> {
  const client = stackDataproc(stack)
  for (;;) {
    const [batch] = await client.getBatch({ name })
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(String(batch.state))) return batch
    await new Promise(resolve => setTimeout(resolve, 500))
  }
}

async function seriesText(outputUri: string): Promise<string> {
  let text = ''
  for (let index = 0; ; index += 1) {
    const part = await downloadUri(stack, `${outputUri}.${String(index).padStart(9, '0')}`)
    if (part.length === 0) return text
    text += part.toString('utf8')
  }
}

test('an image the registry does not have fails the batch, with why in its state message', async () => {
  if (skip) return
  const missing = `${stack.registry}/${PROJECT}/kedro/missing@sha256:${'0'.repeat(64)}`
  const batch = await submit('2.3', missing)
  expect(batch.state).toBe('FAILED')
  expect(batch.stateMessage).toContain(`Failed to pull container image ${missing}`)
})

test("a 2.3 batch runs in its image: the image's ENV and Python, UID 1099, CSV and JSON on gs://", async () => {
  if (skip) return
  const batch = await submit('2.3', image, ['gs://output-bucket/containers'])
  const output = await seriesText(batch.runtimeInfo?.outputUri ?? '')
  // The output says why, if it failed.
  expect(`${batch.state}\n${output}`).toMatch(/^SUCCEEDED\n/)
  const [first] = output.split('\n')
  expect(first).toMatch(
    /^local stack: Spark 3\.5\.\d+, Python 3\.11\.\d+ \(\/usr\/local\/bin\/python3\), Java [\d.]+, image \S+, spark-submit --master local\[2\], UID 1099$/
  )
  expect(first).toContain(image)
  const lines = output.split('\n')
  expect(lines).toContain('ENV from-the-image-env')
  expect(lines).toContain('DRIVER 1099:1099 /usr/local/bin/python3')
  expect(lines).toContain('EXECUTORS [1099]')
  expect(lines).toContainEqual(expect.stringMatching(/^SPARK 3\.5\.\d+$/))
  expect(lines).toContain("CSV ['a', 'b']")
  expect(lines).toContain('JSON 2')
  expect(output).not.toContain('WARNING: the container image bundles Spark')
})

test('a 3.0 batch runs on Spark 4.0 in its image', async () => {
  if (skip) return
  const batch = await submit('3.0', image)
  expect(batch.state).toBe('SUCCEEDED')
  const response = await fetch(`${stack.logging}/v2/entries:list`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceNames: [`projects/${PROJECT}`],
      filter: `resource.labels.batch_id="${batch.name?.split('/').pop()}"`,
      orderBy: 'timestamp asc',
      pageSize: 1000
    })
  })
  const { entries = [] } = (await response.json()) as {
    entries?: { jsonPayload?: { message?: string } }[]
  }
  const lines = entries.flatMap(entry => (entry.jsonPayload?.message ?? '').split('\n'))
  expect(lines[0]).toMatch(/^local stack: Spark 4\.0\.\d+, Python 3\.11\.\d+ .*, UID 1099$/)
  expect(lines).toContainEqual(expect.stringMatching(/^SPARK 4\.0\.\d+$/))
  expect(lines).toContain('DRIVER 1099:1099 /usr/local/bin/python3')
})

test("an image that bundles Spark gets the warning, and the runtime's Spark still runs", async () => {
  if (skip) return
  const bundled = await derivedImage('bundled-spark', ['ENV SPARK_HOME=/opt/spark'])
  const batch = await submit('2.3', bundled)
  const output = await seriesText(batch.runtimeInfo?.outputUri ?? '')
  expect(`${batch.state}\n${output}`).toMatch(/^SUCCEEDED\n/)
  expect(output).toContain(
    'WARNING: the container image bundles Spark (SPARK_HOME=/opt/spark). Dataproc mounts'
  )
  expect(output.split('\n')).toContainEqual(expect.stringMatching(/^SPARK 3\.5\.\d+$/))
})

test('cancelling a batch stops its container', async () => {
  if (skip) return
  const name = await create(
    '2.3',
    image,
    'import time\nprint("started", flush=True)\ntime.sleep(3600)\n'
  )
  const client = stackDataproc(stack)
  // Cancel once the driver runs in its container: its first line is in the output.
  for (;;) {
    const [batch] = await client.getBatch({ name })
    const uri = batch.runtimeInfo?.outputUri
    // The first part of the output series, once written (the next one does not exist yet).
    const first = uri
      ? await downloadUri(stack, `${uri}.000000000`).catch(() => Buffer.alloc(0))
      : ''
    if (first.toString().split('\n').includes('started')) break
    expect(batch.state).not.toMatch(/SUCCEEDED|FAILED|CANCELLED/)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  const [batch] = await client.getBatch({ name })
  await client.operationsClient.cancelOperation(
    protos.google.longrunning.CancelOperationRequest.create({ name: batch.operation ?? '' })
  )
  expect((await waitTerminal(name)).state).toBe('CANCELLED')
  const { stdout } = await docker('docker', [
    '-H',
    stack.dockerHost as string,
    'ps',
    '--all',
    '--quiet',
    '--filter',
    'name=kda-batch-'
  ])
  expect(stdout.trim()).toBe('')
})
