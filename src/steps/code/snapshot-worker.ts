/**
 * The snapshot's thread (started by thread.ts): works out the entries and the key
 * (plan-entries.ts), then makes the zip's blocks (zip-bytes.ts) as often as asked, and sends them
 * to the main thread, moved rather than copied, as many as it has been granted. The main thread
 * grants more as the upload takes them, so what waits between the two stays bounded.
 */
import { parentPort, type MessagePort } from 'node:worker_threads'
import type { Entry } from './entries.js'
import { planEntries, type PlanRequest } from './plan-entries.js'
import { zipBytes } from './zip-bytes.js'

/** What the main thread sends: the plan to work out, then zips to make and blocks granted. */
export type ToSnapshotWorker =
  | { type: 'plan'; request: PlanRequest }
  | { type: 'zip'; blocks: number }
  | { type: 'grant'; blocks: number }

/** What the worker sends back. */
export type FromSnapshotWorker =
  | { type: 'planned'; key: string; files: number; bytes: number; skipped: string[] }
  | { type: 'block'; block: Uint8Array<ArrayBuffer> }
  | { type: 'end' }
  | { type: 'error'; message: string }

function connected(): MessagePort {
  if (!parentPort) throw new Error('snapshot-worker runs as a worker thread, started by thread.ts')
  return parentPort
}

const port = connected()
const send = (message: FromSnapshotWorker, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer)
const failed = (error: unknown): void =>
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) })

let entries: Entry[] = []
let granted = 0
let wake: (() => void) | undefined

port.on('message', (message: ToSnapshotWorker) => {
  if (message.type === 'plan') {
    plan(message.request).catch(failed)
    return
  }
  granted += message.blocks
  wake?.()
  if (message.type === 'zip') zip().catch(failed)
})

async function plan(request: PlanRequest): Promise<void> {
  const planned = await planEntries(request)
  entries = planned.entries
  send({
    type: 'planned',
    key: planned.key,
    files: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    skipped: planned.skipped
  })
}

async function zip(): Promise<void> {
  for await (const block of zipBytes(entries)) {
    while (granted === 0) await new Promise<void>(resolve => (wake = resolve))
    granted--
    send({ type: 'block', block }, [block.buffer])
  }
  send({ type: 'end' })
}
