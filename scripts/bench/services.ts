/**
 * What the benchmark asks the emulators directly, over their REST APIs (no credentials): buckets,
 * object generations and sizes, and a batch's terminal state time as the Dataproc emulator
 * recorded it.
 */
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import type { Stack } from '../../emulators/stack.js'

const execFileAsync = promisify(execFile)

/**
 * A GET, tried once more when the connection was reset: undici reuses kept-alive sockets, and one
 * the emulator has just closed after a long idle spell (a big batch) fails the first request.
 */
async function get(url: string): Promise<Response> {
  try {
    return await fetch(url)
  } catch {
    return fetch(url)
  }
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

export async function createBucket(stack: Stack, project: string, name: string): Promise<void> {
  await json(
    await fetch(`${stack.storage}/storage/v1/b?project=${project}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name })
    }),
    `create bucket ${name}`
  )
}

export interface ObjectInfo {
  generation: string
  size: number
}

/** The object's generation and size, or null when it does not exist. */
export async function objectInfo(stack: Stack, uri: string): Promise<ObjectInfo | null> {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri)
  const bucket = match?.[1]
  const name = match?.[2]
  if (!bucket || !name) throw new Error(`not a gs:// URI: ${uri}`)
  const response = await get(
    `${stack.storage}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`
  )
  if (response.status === 404) return null
  const body = await json<{ generation: string; size: string }>(response, `get ${uri}`)
  return { generation: body.generation, size: Number(body.size) }
}

export interface BatchEnd {
  state: string
  /** When the batch was created (ms since the epoch). */
  createTime: number
  /** When the batch entered its current state (ms since the epoch), as the emulator recorded it. */
  stateTime: number
}

export async function batchEnd(
  stack: Stack,
  project: string,
  region: string,
  id: string
): Promise<BatchEnd> {
  const batch = await json<{ state?: string | number; stateTime?: string; createTime?: string }>(
    await get(`${stack.dataprocRest}/v1/projects/${project}/locations/${region}/batches/${id}`),
    `get batch ${id}`
  )
  const stateTime = Date.parse(batch.stateTime ?? '')
  const createTime = Date.parse(batch.createTime ?? '')
  if (Number.isNaN(stateTime) || Number.isNaN(createTime)) {
    throw new Error(`batch ${id} has no stateTime or createTime`)
  }
  return { state: String(batch.state), createTime, stateTime }
}

/**
 * The emulator's own ingest: the time to upload `file` as one media upload by curl, which streams
 * it from disk (page cache) with next to no work of its own. No client can hand the emulator the
 * same bytes faster, so this is the physical limit an upload of them is measured against.
 */
export async function ingest(
  stack: Stack,
  bucket: string,
  name: string,
  file: string
): Promise<number> {
  const url = `${stack.storage}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`
  const started = performance.now()
  const { stdout } = await execFileAsync('curl', [
    '--silent',
    '--show-error',
    '--fail-with-body',
    '--request',
    'POST',
    '--header',
    'content-type: application/zip',
    '--upload-file',
    file,
    url
  ])
  const elapsed = performance.now() - started
  const size = (JSON.parse(stdout) as { size?: string }).size
  if (Number(size) !== statSync(file).size)
    throw new Error(`ingest of ${name}: stored ${size} bytes`)
  return elapsed
}
