/**
 * The snapshot's thread (started by thread.ts): works out the entries and the key
 * (plan-entries.ts), then makes the zip's blocks (zip-bytes.ts) and their checksums as often as
 * asked, and sends the blocks to the main thread, moved rather than copied, as many as it has
 * been granted. The main thread grants more as the upload takes them, so what waits between the
 * two stays bounded.
 */
import { parentPort, type MessagePort } from 'node:worker_threads'
import { Checksummer, type Checksums } from '../../lib/checksum.js'
import { errorMessage } from '../../lib/errors.js'
import type { Entry } from './entries.js'
import { planEntries, type PlanRequest } from './plan-entries.js'
import { zipBytes } from './zip-bytes.js'

/**
 * What the main thread sends: the plan to work out, then zips to make and blocks granted. A zip
 * has an id: a new one (the file written after a failed upload) abandons the one before.
 */
export type ToSnapshotWorker =
  | { type: 'plan'; request: PlanRequest }
  | { type: 'zip'; id: number; blocks: number }
  | { type: 'grant'; id: number; blocks: number }

/** What the plan tells the main thread; the entries stay in the worker. */
export interface Planned {
  key: string
  files: number
  bytes: number
  /** Sorted, each as `path: reason`. */
  skipped: string[]
  /** Sorted: files too big to be read for keys and logins. */
  unscanned: string[]
}

/** What the worker sends back; a zip's messages carry its id. */
export type FromSnapshotWorker =
  | ({ type: 'planned' } & Planned)
  | { type: 'block'; id: number; block: Uint8Array<ArrayBuffer> }
  | { type: 'end'; id: number; checksums: Checksums }
  | { type: 'error'; id?: number; message: string }

function connected(): MessagePort {
  if (!parentPort) throw new Error('snapshot-worker runs as a worker thread, started by thread.ts')
  return parentPort
}

const port = connected()
const send = (message: FromSnapshotWorker, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer)
const failed =
  (id?: number) =>
  (error: unknown): void =>
    send({ type: 'error', id, message: errorMessage(error) })

let entries: Entry[] = []
/** The zip being made, and the blocks it may still send. */
let current = 0
let granted = 0
let wake: (() => void) | undefined

port.on('message', (message: ToSnapshotWorker) => {
  if (message.type === 'plan') {
    plan(message.request).catch(failed())
    return
  }
  if (message.type === 'zip') {
    current = message.id
    granted = 0
    zip(message.id).catch(failed(message.id))
  }
  if (message.id !== current) return
  granted += message.blocks
  wake?.()
})

async function plan(request: PlanRequest): Promise<void> {
  const planned = await planEntries(request)
  entries = planned.entries
  send({
    type: 'planned',
    key: planned.key,
    files: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    skipped: planned.skipped,
    unscanned: planned.unscanned
  })
}

async function zip(id: number): Promise<void> {
  const sums = await Checksummer.create()
  for await (const block of zipBytes(entries)) {
    // Before the block is moved away, and while it may wait for a grant.
    sums.update(block)
    while (granted === 0 && id === current) await new Promise<void>(resolve => (wake = resolve))
    if (id !== current) return
    granted--
    send({ type: 'block', id, block }, [block.buffer])
  }
  send({ type: 'end', id, checksums: sums.result() })
}
