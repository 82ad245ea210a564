import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { Storage, type Bucket } from '@google-cloud/storage'
import { PassThroughClient } from 'google-auth-library'
import { startGcsEmulator, type GcsEmulator } from '../../../emulators/gcs/server.js'
import { runCommand, type CommandResult } from '../../helpers/command.js'

/**
 * Fidelity of the GCS emulator for the clients a Kedro run really uses: Google's Cloud Storage
 * connector for Hadoop under PySpark, and gcsfs under pandas and kedro-datasets, each run for real
 * from the driver environment. The Node client covers the same new routes call by call.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const DRIVER_ENV = process.env.DRIVER_ENV_DIR ?? join(ROOT, '.cache', 'driver-env')
const MiB = 1024 * 1024

let emu: GcsEmulator
let storage: Storage
let bucket: Bucket
let work: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gcs-clients-test-'))
  emu = await startGcsEmulator({ dataDir: join(work, 'data') })
  // as in gcs.test.ts: no credentials, and a retry delay the client allows at its shortest
  storage = new Storage({
    apiEndpoint: emu.url,
    projectId: 'test-project',
    authClient: new PassThroughClient(),
    useAuthWithCustomEndpoint: false,
    retryOptions: { maxRetryDelay: 1, retryDelayMultiplier: 1, totalTimeout: 60 }
  })
  ;[bucket] = await storage.createBucket('b1')
})

afterAll(async () => {
  await emu.close()
  rmSync(work, { recursive: true, force: true })
})

const names = async (prefix: string, from = bucket): Promise<string[]> =>
  (await from.getFiles({ prefix }))[0].map(file => file.name)

const objectUrl = (name: string): string =>
  `${emu.url}/storage/v1/b/b1/o/${encodeURIComponent(name)}`

async function post(url: string, body?: Buffer | string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', body, headers })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

describe('copy and rewrite', () => {
  it('copies bytes and metadata to a new generation; the request body overrides fields', async () => {
    const source = bucket.file('copy/source.txt')
    await source.save('copy me', { contentType: 'text/plain', metadata: { metadata: { a: '1' } } })
    const [copied] = await source.copy('copy/plain.txt')
    const [[from], [to]] = await Promise.all([source.getMetadata(), copied.getMetadata()])
    expect(to).toMatchObject({
      contentType: 'text/plain',
      metadata: { a: '1' },
      md5Hash: from.md5Hash,
      crc32c: from.crc32c,
      metageneration: '1'
    })
    expect(to.generation).not.toBe(from.generation)
    const [changed] = await source.copy('copy/json.txt', {
      contentType: 'application/json',
      metadata: { b: '2' }
    })
    expect((await changed.getMetadata())[0]).toMatchObject({
      contentType: 'application/json',
      metadata: { b: '2' }
    })
    expect((await changed.download())[0].toString()).toBe('copy me')
  })

  it('answers 412 for a failed precondition and 404 for a missing source or bucket', async () => {
    const source = bucket.file('copy/source.txt')
    await expect(
      source.copy('copy/plain.txt', { preconditionOpts: { ifGenerationMatch: 0 } })
    ).rejects.toMatchObject({ code: 412 })
    await expect(bucket.file('copy/missing').copy('copy/x')).rejects.toMatchObject({ code: 404 })
    await expect(source.copy(storage.bucket('no-such-bucket'))).rejects.toMatchObject({
      code: 404
    })
    const copyTo = `${objectUrl('copy/source.txt')}/copyTo/b/b1/o/${encodeURIComponent('copy/y')}`
    expect((await post(`${copyTo}?ifSourceGenerationMatch=1`)).status).toBe(412)
    // Google's Java client gzips JSON bodies
    const gzipped = gzipSync(JSON.stringify({ metadata: { zipped: 'yes' } }))
    const copy = await post(copyTo, gzipped, {
      'content-type': 'application/json',
      'content-encoding': 'gzip'
    })
    expect(copy).toMatchObject({ status: 200, json: { kind: 'storage#object', name: 'copy/y' } })
    expect(copy.json.metadata).toEqual({ zipped: 'yes' })
  })

  it('rewrites in steps of maxBytesRewrittenPerCall, with a token between calls', async () => {
    const data = randomBytes(2 * MiB + 100)
    await bucket.file('rewrite/big.bin').save(data, { resumable: false })
    const base = `${objectUrl('rewrite/big.bin')}/rewriteTo/b/b1/o/rewrite%2Fcopy.bin`
    const steps: Record<string, unknown>[] = []
    let token: unknown
    do {
      const query = new URLSearchParams({ maxBytesRewrittenPerCall: String(MiB) })
      if (typeof token === 'string') query.set('rewriteToken', token)
      const { status, json } = await post(`${base}?${query}`)
      expect(status).toBe(200)
      steps.push(json)
      token = json.rewriteToken
    } while (steps.at(-1)?.done !== true)
    expect(steps.map(step => step.totalBytesRewritten)).toEqual([
      String(MiB),
      String(2 * MiB),
      String(data.length)
    ])
    expect(steps[2]).toMatchObject({
      kind: 'storage#rewriteResponse',
      objectSize: String(data.length),
      resource: { name: 'rewrite/copy.bin', size: String(data.length) }
    })
    expect((await bucket.file('rewrite/copy.bin').download())[0].equals(data)).toBe(true)
    expect((await post(`${base}?maxBytesRewrittenPerCall=1000`)).status).toBe(400)
    const other = `${objectUrl('copy/source.txt')}/rewriteTo/b/b1/o/x`
    expect((await post(`${other}?rewriteToken=${String(steps[0]?.rewriteToken)}`)).status).toBe(400)
  })
})

describe('move', () => {
  it('moves atomically with moveTo: a new generation, and the source gone', async () => {
    const source = bucket.file('move/a.txt')
    await source.save('moving')
    const [{ generation }] = await source.getMetadata()
    await source.moveFileAtomic('move/b.txt')
    const moved = bucket.file('move/b.txt')
    expect((await source.exists())[0]).toBe(false)
    expect((await moved.download())[0].toString()).toBe('moving')
    const [meta] = await moved.getMetadata()
    expect(meta.metageneration).toBe('1')
    expect(BigInt(String(meta.generation))).toBeGreaterThan(BigInt(String(generation)))
    // File#move is the older copy (rewriteTo) and delete
    await moved.move('move/c.txt')
    expect((await bucket.file('move/c.txt').download())[0].toString()).toBe('moving')
    expect(await names('move/')).toEqual(['move/c.txt'])
  })

  it('keeps the source when the destination precondition fails; 404 and 400 otherwise', async () => {
    await bucket.file('move/d.txt').save('d')
    const moving = bucket.file('move/c.txt')
    await expect(
      moving.moveFileAtomic('move/d.txt', { preconditionOpts: { ifGenerationMatch: 0 } })
    ).rejects.toMatchObject({ code: 412 })
    expect((await moving.exists())[0]).toBe(true)
    await expect(bucket.file('move/none').moveFileAtomic('move/e')).rejects.toMatchObject({
      code: 404
    })
    const self = `${objectUrl('move/c.txt')}/moveTo/o/${encodeURIComponent('move/c.txt')}`
    expect((await post(self)).status).toBe(400)
    const wrongSource = `${objectUrl('move/c.txt')}/moveTo/o/move%2Ff?ifSourceGenerationMatch=7`
    expect((await post(wrongSource)).status).toBe(412)
  })
})

describe('compose', () => {
  it('concatenates sources into a composite object with a CRC32C and no MD5', async () => {
    await bucket.file('compose/1').save('one,')
    await bucket.file('compose/2').save('two,')
    await bucket.file('compose/3').save('three')
    await bucket.file('compose/flat').save('one,two,three')
    const [pair] = await bucket.combine(['compose/1', 'compose/2'], 'compose/pair')
    const [all] = await bucket.combine([pair, bucket.file('compose/3')], 'compose/all.txt')
    const [meta] = await all.getMetadata()
    const [flat] = await bucket.file('compose/flat').getMetadata()
    expect(meta).toMatchObject({
      componentCount: 3,
      crc32c: flat.crc32c,
      contentType: 'text/plain'
    })
    expect(meta.md5Hash).toBeUndefined()
    expect((await all.download({ validation: 'crc32c' }))[0].toString()).toBe('one,two,three')
  })

  it('checks preconditions, generations and the number of sources', async () => {
    await expect(
      bucket.combine(['compose/1'], 'compose/pair', { ifGenerationMatch: 0 })
    ).rejects.toMatchObject({ code: 412 })
    await expect(bucket.combine(['compose/none'], 'compose/x')).rejects.toMatchObject({
      code: 404
    })
    const stale = bucket.file('compose/1', { generation: 1 })
    await expect(bucket.combine([stale], 'compose/x')).rejects.toMatchObject({ code: 404 })
    const many = Array.from({ length: 33 }, () => 'compose/1')
    await expect(bucket.combine(many, 'compose/x')).rejects.toMatchObject({ code: 400 })
  })
})

/** A multipart/mixed batch body of `calls` (request line, then headers), with `eol` line ends. */
function batchBody(boundary: string, calls: string[], eol = '\r\n'): string {
  const parts = calls.map(
    (call, i) =>
      `--${boundary}${eol}Content-Type: application/http${eol}Content-ID: <call+${i}>${eol}${eol}` +
      `${call.replaceAll('\n', eol)}${eol}${eol}`
  )
  return `${parts.join('')}--${boundary}--${eol}`
}

async function sendBatch(body: string, boundary: string) {
  const response = await fetch(`${emu.url}/batch/storage/v1`, {
    method: 'POST',
    headers: { 'content-type': `multipart/mixed; boundary="${boundary}"` },
    body
  })
  const text = await response.text()
  const answer = /boundary=(\S+)/.exec(response.headers.get('content-type') ?? '')?.[1] ?? '?'
  const parts = text.split(`--${answer}`).slice(1, -1)
  return {
    status: response.status,
    text,
    parts: parts.map(part => ({
      id: /Content-ID: <([^>]+)>/.exec(part)?.[1],
      status: Number(/HTTP\/1\.1 (\d{3})/.exec(part)?.[1]),
      body: part.slice(part.lastIndexOf('\r\n\r\n') + 4).trim()
    }))
  }
}

describe('testIamPermissions', () => {
  it('answers the permissions held, 404 for a missing bucket and 400 for a name that is none', async () => {
    const [granted] = await bucket.iam.testPermissions([
      'storage.objects.create',
      'storage.objects.get'
    ])
    expect(granted).toEqual({ 'storage.objects.create': true, 'storage.objects.get': true })
    await expect(
      storage.bucket('no-such-bucket').iam.testPermissions(['storage.objects.get'])
    ).rejects.toMatchObject({ code: 404 })
    const response = await fetch(`${emu.url}/storage/v1/b/b1/iam/testPermissions?permissions=x`)
    expect(response.status).toBe(400)
  })
})

describe('batch', () => {
  it('answers each call of a multipart/mixed batch in its own part, in order', async () => {
    await bucket.file('batch/a').save('a')
    await bucket.file('batch/b').save('b')
    const body = batchBody('==b1==', [
      'GET /storage/v1/b/b1/o/batch%2Fa?fields=name,size HTTP/1.1',
      `DELETE ${emu.url}/storage/v1/b/b1/o/batch%2Fb HTTP/1.1\nContent-Length: 0`,
      'DELETE /storage/v1/b/b1/o/batch%2Fmissing HTTP/1.1',
      'PATCH /storage/v1/b/b1/o/batch%2Fa HTTP/1.1\nContent-Type: application/json\n\n' +
        '{"metadata":{"k":"v"}}',
      'GET /download/storage/v1/b/b1/o/batch%2Fa?alt=media HTTP/1.1'
    ])
    const { status, parts } = await sendBatch(body, '==b1==')
    expect(status).toBe(200)
    expect(parts.map(part => [part.id, part.status])).toEqual([
      ['response-call+0', 200],
      ['response-call+1', 204],
      ['response-call+2', 404],
      ['response-call+3', 200],
      ['response-call+4', 400]
    ])
    expect(JSON.parse(parts[0]?.body ?? '')).toEqual({ name: 'batch/a', size: '1' })
    expect(JSON.parse(parts[3]?.body ?? '')).toMatchObject({ metadata: { k: 'v' } })
    expect(await names('batch/')).toEqual(['batch/a'])
  })

  it('takes bare LF line ends as gcsfs writes them, and at most 100 calls', async () => {
    const call = 'DELETE /storage/v1/b/b1/o/batch%2Fa HTTP/1.1\ncontent-length: 0'
    const { parts } = await sendBatch(batchBody('===7==', [call], '\n'), '===7==')
    expect(parts.map(part => part.status)).toEqual([204])
    const tooMany = await sendBatch(
      batchBody(
        'x',
        Array.from({ length: 101 }, () => call)
      ),
      'x'
    )
    expect(tooMany.status).toBe(400)
  })
})

describe('request forms', () => {
  it('trims answers to the fields a client selects, and refuses a malformed selection', async () => {
    await bucket.file('fields/a').save('a')
    await bucket.file('fields/b').save('b')
    const query = 'prefix=fields/&maxResults=1&fields=items(name,size),nextPageToken'
    const response = await fetch(`${emu.url}/storage/v1/b/b1/o?${query}`)
    const json = (await response.json()) as { items: object[]; nextPageToken?: string }
    expect(Object.keys(json).sort()).toEqual(['items', 'nextPageToken'])
    expect(json.items).toEqual([{ name: 'fields/a', size: '1' }])
    const bad = await fetch(`${objectUrl('fields/a')}?fields=items(name`, { method: 'DELETE' })
    expect(bad.status).toBe(400)
    expect((await bucket.file('fields/a').exists())[0]).toBe(true)
  })

  it('honours X-HTTP-Method-Override on POST, as Google front ends do', async () => {
    const patched = await post(objectUrl('fields/a'), '{"metadata":{"via":"override"}}', {
      'content-type': 'application/json',
      'x-http-method-override': 'PATCH'
    })
    expect(patched).toMatchObject({ status: 200, json: { metadata: { via: 'override' } } })
  })
})

// Killed before jest gives up on the test (1,200 s), so that no JVM outlives it; a JVM on a
// loaded machine can take minutes to start, so no shorter limit than that.
const run = (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> =>
  runCommand(command, args, { cwd: work, env, timeoutMs: 900_000 })

async function ok(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(command, args, env)
  if (result.code !== 0) {
    // Spark logs a great deal; the end of it says what went wrong
    const output = `${result.stdout}\n${result.stderr}`.slice(-8000)
    throw new Error(`${command} exited ${result.code}:\n${output}`)
  }
  return result.stdout
}

/** The real clients come from scripts/driver-env.sh; without them these tests fail, never skip. */
function driverEnv(): { python: string; sparkSubmit: string; connector: string } {
  // The connector matched to PySpark 3.5's Hadoop client (scripts/driver-env.sh).
  const connectors = join(DRIVER_ENV, 'spark-3.5')
  const jar = existsSync(connectors)
    ? readdirSync(connectors).find(name => /^gcs-connector-.*-shaded\.jar$/.test(name))
    : undefined
  if (!existsSync(join(DRIVER_ENV, 'stamp')) || !jar) {
    throw new Error(
      `the real GCS connector, PySpark and gcsfs are missing: the driver environment at ` +
        `${DRIVER_ENV} is not installed; run scripts/driver-env.sh`
    )
  }
  const bin = join(DRIVER_ENV, 'venv', 'bin')
  return {
    python: join(bin, 'python'),
    sparkSubmit: join(bin, 'spark-submit'),
    connector: join(connectors, jar)
  }
}

const SPARK_JOB = `
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("gcs-clients").getOrCreate()
out = "gs://b1/out/t.parquet"
spark.range(1000).write.parquet(out)
print("COUNT", spark.read.parquet(out).count())
# Directory operations on 20 objects, more than the connector's 15 batch threads: it batches them.
jvm = spark._jvm
Path = jvm.org.apache.hadoop.fs.Path
fs = Path(out).getFileSystem(spark._jsc.hadoopConfiguration())
for i in range(20):
    stream = fs.create(Path(f"gs://b1/scratch/a/{i:02}.txt"))
    stream.write(bytearray(f"object {i}", "utf8"))
    stream.close()
print("MOVED", fs.rename(Path("gs://b1/scratch/a"), Path("gs://b1/scratch/b")))
# Without Objects: move, the connector renames with rewriteTo and deletes.
copying = jvm.org.apache.hadoop.conf.Configuration(spark._jsc.hadoopConfiguration())
copying.set("fs.gs.operation.move.enable", "false")
fs2 = jvm.org.apache.hadoop.fs.FileSystem.newInstance(jvm.java.net.URI("gs://b1/"), copying)
print("REWRITTEN", fs2.rename(Path("gs://b1/scratch/b"), Path("gs://b1/scratch/c")))
print("LISTED", len(fs.listStatus(Path("gs://b1/scratch/c"))))
print("DELETED", fs.delete(Path("gs://b1/scratch"), True))
spark.stop()
`

const GCSFS_SCRIPT = `
import json, sys
import gcsfs, pandas as pd
from kedro_datasets.pandas import ParquetDataset

url, bucket = sys.argv[1], sys.argv[2]
fs = gcsfs.GCSFileSystem(endpoint_url=url, token="anon", project="p")
root = f"{bucket}/kedro"
out = {}
fs.pipe(f"{root}/raw/a.txt", b"alpha")
with fs.open(f"{root}/raw/nested/b.bin", "wb") as f:
    f.write(b"\\x00\\x01" * 300_000)
out["cat"] = fs.cat(f"{root}/raw/a.txt").decode()
with fs.open(f"{root}/raw/nested/b.bin", "rb") as f:
    f.seek(599_998)
    out["tail"] = list(f.read())
out["ls"] = sorted(fs.ls(f"{root}/raw", detail=False))
out["info_file"] = {k: fs.info(f"{root}/raw/a.txt")[k] for k in ("size", "type")}
out["info_dir"] = fs.info(f"{root}/raw/nested")["type"]
out["exists"] = [fs.exists(f"{root}/raw/a.txt"), fs.exists(f"{root}/raw/none.txt")]
out["glob"] = fs.glob(f"{root}/**/*.txt")
fs.makedirs(f"{root}/empty", exist_ok=True)  # a no-op: GCS has no directories
fs.mkdir(f"{bucket}-made")  # a bucket
out["made_bucket"] = fs.exists(f"{bucket}-made")
fs.copy(f"{root}/raw/a.txt", f"{root}/copied/a.txt")
fs.mv(f"{root}/copied/a.txt", f"{root}/moved/a.txt")
fs.mv(f"{root}/raw/nested", f"{root}/nested-moved", recursive=True)
fs.merge(f"{root}/merged.txt", [f"{root}/raw/a.txt", f"{root}/moved/a.txt"])
out["merged"] = fs.cat(f"{root}/merged.txt").decode()
df = pd.DataFrame({"id": range(5), "name": list("abcde")})
options = {"endpoint_url": url, "token": "anon", "project": "p"}
df.to_parquet(f"gs://{root}/table.parquet", storage_options=options)
out["parquet"] = pd.read_parquet(f"gs://{root}/table.parquet", storage_options=options).to_dict("list")
# without endpoint_url, gcsfs finds the emulator through STORAGE_EMULATOR_HOST, as in a Kedro run
df.to_csv(f"gs://{root}/table.csv", index=False, storage_options={"token": "anon"})
out["csv"] = list(pd.read_csv(f"gs://{root}/table.csv", storage_options={"token": "anon"}).shape)
dataset = ParquetDataset(filepath=f"gs://{root}/kedro.parquet", credentials={"token": "anon"})
dataset.save(df)
out["kedro"] = list(dataset.load().shape)
out["find"] = sorted(fs.find(root))
fs.rm(f"{root}/nested-moved", recursive=True)
out["after_rm"] = sorted(fs.find(root))
fs.rm(root, recursive=True)
out["final"] = fs.find(root)
try:
    fs.rm(f"{root}/nothing-here.txt")
    out["rm_missing"] = "no error"
except FileNotFoundError:
    out["rm_missing"] = "FileNotFoundError"
print("RESULT " + json.dumps(out))
`

describe('real clients', () => {
  beforeEach(() => emu.faults.clear())

  it('PySpark with the GCS connector writes parquet, commits it and reads it back', async () => {
    const env = driverEnv()
    const script = join(work, 'job.py')
    writeFileSync(script, SPARK_JOB)
    const hadoop: [string, string][] = [
      ['fs.gs.impl', 'com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem'],
      ['fs.AbstractFileSystem.gs.impl', 'com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS'],
      ['fs.gs.storage.root.url', `${emu.url}/`],
      ['fs.gs.auth.type', 'UNAUTHENTICATED'],
      ['fs.gs.project.id', 'local']
    ]
    const conf = [
      ...hadoop.map(([k, v]) => [`spark.hadoop.${k}`, v]),
      ['spark.ui.enabled', 'false']
    ]
    const args = ['--master', 'local[2]', '--jars', env.connector]
    for (const [key, value] of conf) args.push('--conf', `${key}=${value}`)
    const stdout = await ok(env.sparkSubmit, [...args, script], {
      ...process.env,
      PYSPARK_PYTHON: env.python,
      PYSPARK_DRIVER_PYTHON: env.python,
      SPARK_LOCAL_IP: '127.0.0.1'
    })
    for (const line of [
      'COUNT 1000',
      'MOVED True',
      'REWRITTEN True',
      'LISTED 20',
      'DELETED True'
    ]) {
      expect(stdout).toContain(line)
    }
    const written = await names('out/t.parquet/')
    expect(written).toContain('out/t.parquet/_SUCCESS')
    expect(written.filter(name => /\/part-[^/]+\.parquet$/.test(name))).toHaveLength(2)
    expect((await names('')).filter(name => name.includes('_temporary'))).toEqual([])
    expect(await names('scratch/')).toEqual([])
    // both part files moved at task commit and at job commit, then 20 objects renamed each way
    const counts = emu.faults.requestCounts()
    expect(counts['gcs.move']).toBeGreaterThanOrEqual(24)
    expect(counts['gcs.rewrite']).toBeGreaterThanOrEqual(20)
    expect(counts['gcs.batch']).toBeGreaterThan(0)
  })

  it('gcsfs, pandas and kedro-datasets read, write, list, copy, move, compose and remove', async () => {
    const env = driverEnv()
    const script = join(work, 'gcsfs_ops.py')
    writeFileSync(script, GCSFS_SCRIPT)
    const stdout = await ok(env.python, [script, emu.url, 'b1'], {
      ...process.env,
      STORAGE_EMULATOR_HOST: emu.url,
      // gcsfs 2026's default class asks the Storage Control gRPC API (over TLS) for the bucket
      // layout, retries for a minute and asks again on every call; the core class is plain JSON
      GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT: 'false'
    })
    const result = JSON.parse(/^RESULT (.*)$/m.exec(stdout)?.[1] ?? '{}') as Record<string, unknown>
    expect(result).toEqual({
      cat: 'alpha',
      tail: [0, 1],
      ls: ['b1/kedro/raw/a.txt', 'b1/kedro/raw/nested'],
      info_file: { size: 5, type: 'file' },
      info_dir: 'directory',
      exists: [true, false],
      glob: ['b1/kedro/raw/a.txt'],
      made_bucket: true,
      merged: 'alphaalpha',
      parquet: { id: [0, 1, 2, 3, 4], name: ['a', 'b', 'c', 'd', 'e'] },
      csv: [5, 2],
      kedro: [5, 2],
      find: [
        'b1/kedro/kedro.parquet',
        'b1/kedro/merged.txt',
        'b1/kedro/moved/a.txt',
        'b1/kedro/nested-moved/b.bin',
        'b1/kedro/raw/a.txt',
        'b1/kedro/table.csv',
        'b1/kedro/table.parquet'
      ],
      after_rm: [
        'b1/kedro/kedro.parquet',
        'b1/kedro/merged.txt',
        'b1/kedro/moved/a.txt',
        'b1/kedro/raw/a.txt',
        'b1/kedro/table.csv',
        'b1/kedro/table.parquet'
      ],
      final: [],
      rm_missing: 'FileNotFoundError'
    })
    expect(await names('kedro/')).toEqual([])
    expect((await storage.bucket('b1-made').exists())[0]).toBe(true)
    const counts = emu.faults.requestCounts()
    for (const route of ['gcs.rewrite', 'gcs.move', 'gcs.compose', 'gcs.upload', 'gcs.delete']) {
      expect(counts[route]).toBeGreaterThan(0)
    }
  })
})
