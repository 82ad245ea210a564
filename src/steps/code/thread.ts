/**
 * The snapshot's thread, from the main thread's side. Looking at thousands of files, then
 * reading, checksumming and deflating them, allocates at a rate that grows a thread's young
 * generation to a hundred megabytes or more; a worker's can be capped. It also leaves the main
 * thread free for the upload, so the two run on two cores. The thread also computes the CRC32C
 * that GCS will report for the zip, so the upload can be verified without reading it again.
 */
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Worker } from 'node:worker_threads'
import type { Checksums } from '../../lib/checksum.js'
import type { PlanRequest } from './plan-entries.js'
import type { FromSnapshotWorker, Planned, ToSnapshotWorker } from './snapshot-worker.js'

/** The worker's young generation: it collects more often instead, at no cost in speed. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 }
/** Blocks made ahead of the upload: enough to keep it busy, few enough to hold little memory. */
const BLOCKS_AHEAD = 4

export class SnapshotThread {
  private readonly worker: Worker
  private handle: ((message: FromSnapshotWorker) => void) | undefined
  private stopped: Error | undefined
  private zips = 0

  /** Starts the thread: it boots on another core while the caller lists the files. */
  constructor() {
    this.worker = startWorker()
    this.worker.on('message', (message: FromSnapshotWorker) => this.handle?.(message))
    this.worker.on('error', error => this.stop(error.message))
    this.worker.on('exit', code => this.stop(`the thread stopped (exit code ${code})`))
    // Idle, the thread never holds the process open (see during).
    this.worker.unref()
  }

  /** The entries and the key, worked out in the thread. */
  plan(request: PlanRequest): Promise<Planned> {
    return this.during(
      new Promise<Planned>((resolve, reject) => {
        this.handle = message => {
          if (message.type === 'planned') {
            const { key, files, bytes, skipped, unscanned } = message
            resolve({ key, files, bytes, skipped, unscanned })
          }
          if (message.type === 'error') reject(new Error(message.message))
        }
        this.post({ type: 'plan', request })
      })
    )
  }

  /** Writes the planned zip into `to`, and ends it; as often as needed. */
  async write(to: Writable): Promise<Checksums> {
    const id = ++this.zips
    // First, so that a stopped thread fails the zip before anything is set up; its blocks
    // arrive no sooner than the next turn, when the handler below is in place.
    this.post({ type: 'zip', id, blocks: BLOCKS_AHEAD })
    // Pushed as they arrive; the thread makes them only as fast as they are granted (below).
    const blocks = new Readable({ objectMode: true, read: () => undefined })
    const checksums = new Promise<Checksums>(resolve => {
      this.handle = message => {
        // Blocks of an abandoned zip may still be on their way.
        if ('id' in message && message.id !== undefined && message.id !== id) return
        if (message.type === 'block') {
          const { buffer, byteOffset, byteLength } = message.block
          blocks.push(Buffer.from(buffer, byteOffset, byteLength))
        }
        if (message.type === 'end') {
          resolve(message.checksums)
          blocks.push(null)
        }
        if (message.type === 'error') blocks.destroy(new Error(message.message))
      }
    })
    const uploaded = pipeline(blocks, to)
    // One more block is granted each time the upload takes one, so blocks on their way and blocks
    // waiting here never exceed BLOCKS_AHEAD. Once the thread has stopped, the zip has failed.
    blocks.on('data', () => {
      if (!this.stopped) this.post({ type: 'grant', id, blocks: 1 })
    })
    const [, sums] = await this.during(Promise.all([uploaded, checksums]))
    return sums
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }

  /** Holds the process open while `work` lasts. */
  private async during<T>(work: Promise<T>): Promise<T> {
    this.worker.ref()
    try {
      return await work
    } finally {
      this.handle = undefined
      this.worker.unref()
    }
  }

  private post(message: ToSnapshotWorker): void {
    if (this.stopped) throw this.stopped
    this.worker.postMessage(message)
  }

  private stop(reason: string): void {
    this.stopped ??= new Error(`The code snapshot failed: ${reason}`)
    this.handle?.({ type: 'error', message: this.stopped.message })
  }
}

/**
 * The worker's module: beside this one in the bundle (scripts/build.mjs puts it there), or the
 * TypeScript source, through tsx, when this runs from the sources (the tests, the scripts).
 */
function startWorker(): Worker {
  const fromSources = import.meta.url.endsWith('.ts')
  const module = fromSources ? './snapshot-worker.ts' : './snapshot-worker.js'
  return new Worker(new URL(module, import.meta.url), {
    resourceLimits: WORKER_LIMITS,
    ...(fromSources ? { execArgv: ['--import', 'tsx'] } : {})
  })
}
