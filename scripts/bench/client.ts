/**
 * Side (u): the action's upload client alone. The same number of bytes as the action uploaded,
 * from memory, in the 1 MiB blocks the snapshot sends, through the streamed upload the action
 * uses (src/steps/code/upload.ts): what uploading costs here with no zip to make. With the
 * re-run's prepare phase (the checks that must end before a first run's first byte may leave),
 * it gives the least a first run's prepare phase can take on this machine.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { performance } from 'node:perf_hooks'
import type { Stack } from '../../emulators/stack.js'
import { makeStorage } from '../../src/clients/clients.js'
import { parseEndpoint } from '../../src/inputs/syntax.js'
import { startStreamedUpload } from '../../src/steps/code/upload.js'
import { objectInfo } from './services.js'

const BLOCK_BYTES = 1024 * 1024

function* blocks(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += BLOCK_BYTES) yield bytes.subarray(at, at + BLOCK_BYTES)
}

/** Uploads `bytes` to gs://bucket/name as the action streams code.zip; the time taken (ms). */
export async function clientUpload(
  stack: Stack,
  project: string,
  bucket: string,
  name: string,
  bytes: Buffer
): Promise<number> {
  const storage = makeStorage(project, parseEndpoint(stack.storage, true))
  const uri = `gs://${bucket}/${name}`
  const started = performance.now()
  const upload = startStreamedUpload(storage, { uri, contentType: 'application/zip' }, undefined)
  await pipeline(Readable.from(blocks(bytes)), upload.stream)
  const elapsed = performance.now() - started
  const stored = await objectInfo(stack, uri)
  if (stored?.size !== bytes.length) throw new Error(`(u) ${uri}: stored ${stored?.size} bytes`)
  return elapsed
}
