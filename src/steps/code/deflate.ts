/**
 * Deflates small files on the second core. The main thread reads, checksums and sends the zip on
 * its way; a worker thread deflates what it is given, in batches, with the same zlib and options
 * as the main thread would (so the same bytes). One call per file in the main thread would cost
 * the event loop the whole deflate; one message per file would cost more than a small file's
 * deflate: files are gathered into batches of about BATCH_BYTES.
 */
import { Worker } from 'node:worker_threads'

const BATCH_BYTES = 512 * 1024
/** Also bounds a batch of tiny files, so what the worker holds at once stays small. */
const BATCH_FILES = 1024

/**
 * The worker keeps nothing between batches, yet V8 grows its young generation for the rate at
 * which it allocates (every file's input, output and message), and the grown space stays
 * resident until the worker ends. A small one makes it collect more often instead, at no cost in
 * speed, since each collection finds almost everything dead. Its old generation is limited too:
 * a batch holds at most BATCH_BYTES of input in at most BATCH_FILES buffers, far below the limit.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 }

/** Runs in the worker: deflates each buffer of a batch and sends the results back, moved. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { deflateRawSync } = require('node:zlib')
parentPort.on('message', ({ id, level, buffers }) => {
  const results = buffers.map(buffer => {
    const deflated = deflateRawSync(buffer, { level })
    // A fresh copy, so that transferring it does not move zlib's bigger working buffer.
    return new Uint8Array(deflated)
  })
  parentPort.postMessage({ id, results }, results.map(result => result.buffer))
})
`

interface Job {
  buffer: Buffer
  resolve: (deflated: Buffer) => void
}

interface Reply {
  id: number
  results: Uint8Array[]
}

export class Deflater {
  private worker: Worker | undefined
  private pending: Job[] = []
  private pendingBytes = 0
  private batches = new Map<number, Job[]>()
  private nextId = 0
  private failure: Error | undefined
  private readonly rejects = new Set<(error: Error) => void>()

  constructor(private readonly level: number) {}

  /** The deflated bytes; the buffer is moved to the worker and must not be used again. */
  deflate(buffer: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<Buffer>((resolve, reject) => {
      this.rejects.add(reject)
      this.pending.push({
        buffer,
        resolve: deflated => {
          this.rejects.delete(reject)
          resolve(deflated)
        }
      })
      this.pendingBytes += buffer.length
      if (this.pendingBytes >= BATCH_BYTES || this.pending.length >= BATCH_FILES) this.flush()
    })
  }

  /** Sends what is gathered: called when the writer is about to wait for a result. */
  flush(): void {
    if (this.pending.length === 0) return
    const id = this.nextId++
    const jobs = this.pending
    this.pending = []
    this.pendingBytes = 0
    this.batches.set(id, jobs)
    const buffers = jobs.map(job => job.buffer)
    this.start().postMessage({ id, level: this.level, buffers }, transferable(buffers))
  }

  async close(): Promise<void> {
    await this.worker?.terminate()
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: WORKER_LIMITS })
    worker.on('message', ({ id, results }: Reply) => {
      const jobs = this.batches.get(id) ?? []
      this.batches.delete(id)
      jobs.forEach((job, i) => {
        const result = results[i] as Uint8Array
        job.resolve(Buffer.from(result.buffer, result.byteOffset, result.byteLength))
      })
    })
    worker.on('error', error => this.fail(error))
    this.worker = worker
    return worker
  }

  private fail(error: Error): void {
    this.failure = new Error(`Deflating the code snapshot failed: ${error.message}`)
    for (const reject of this.rejects) reject(this.failure)
    this.rejects.clear()
  }
}

/**
 * The ArrayBuffers to move: a Buffer from readFileSync owns its memory, but a small one may sit
 * in Node's shared pool, which must be copied rather than moved.
 */
function transferable(buffers: Buffer[]): ArrayBuffer[] {
  const moved = new Set<ArrayBuffer>()
  for (const buffer of buffers) {
    const whole = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength
    if (whole && buffer.buffer instanceof ArrayBuffer) moved.add(buffer.buffer)
  }
  return [...moved]
}
