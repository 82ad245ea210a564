/**
 * Writes the entries as a deterministic zip — entries in the given order, a fixed timestamp,
 * permissions reduced to 0644/0755, no extra fields — and computes the CRC32C that GCS will
 * report while the bytes go by, so a later upload can be verified without reading the file again.
 *
 * Memory stays bounded whatever the repository's size: at most BUFFERED_WINDOW_BYTES of small
 * files wait in yazl, bigger files are streamed with backpressure, and reading does not go on
 * while more than UNREAD_OUTPUT_BYTES of yazl's output wait for a slow consumer (the upload).
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import { HashingStream, type Checksums } from '../../lib/checksum.js'
import { Coalesce } from '../../lib/coalesce.js'
import { Tee } from '../../lib/tee.js'
import { levelForBuffer, levelForFile } from './compress.js'
import { fileError, type Entry } from './entries.js'

/**
 * Small files are handed to yazl as buffers: it checksums and deflates them at once (in the bundle,
 * synchronously up to 64 KiB and in the thread pool above: src/lib/yazl-zlib.cjs), then writes
 * each with a single call. A stream per entry would cost a pipeline and a few turns of the event
 * loop each, which for thousands of small files is most of the snapshot's time. Bigger files are
 * streamed when yazl reaches them.
 */
const BUFFERED_MAX_BYTES = 1024 * 1024
/** The zip leaves for the checksum, the file and the upload in blocks of at least this size. */
const OUTPUT_BLOCK_BYTES = 256 * 1024
/** At most this many bytes of buffered files wait in yazl to be written. */
const BUFFERED_WINDOW_BYTES = 32 * 1024 * 1024
/**
 * yazl writes a buffered entry without regard for backpressure: when the upload is slower than
 * the disk, its output would pile up in memory. Reading waits while more than this is unread.
 */
const UNREAD_OUTPUT_BYTES = 8 * 1024 * 1024

export async function writeZip(
  entries: readonly Entry[],
  outFile: string,
  alsoTo: Writable | undefined
): Promise<Checksums> {
  const zip = new yazl.ZipFile()
  const hasher = await HashingStream.create()
  // The entry yazl is streaming: errors from yazl and from the stream are about it.
  const streaming: Streaming = { name: 'a file' }
  zip.on('error', (error: unknown) => hasher.destroy(fileError(streaming.name, error)))
  await mkdir(path.dirname(outFile), { recursive: true })
  const file = createWriteStream(outFile)
  // yazl's typings say NodeJS.ReadableStream; the object is a PassThrough, which has the count.
  const gate = new OutputGate(zip.outputStream as Readable, UNREAD_OUTPUT_BYTES)
  const blocks = new Coalesce(OUTPUT_BLOCK_BYTES)
  const written = alsoTo
    ? pipeline(zip.outputStream, gate, blocks, hasher, new Tee(alsoTo), file)
    : pipeline(zip.outputStream, gate, blocks, hasher, file)
  const added = addEntries(zip, entries, streaming, gate).catch((error: unknown) => {
    hasher.destroy(error as Error)
    throw error
  })
  try {
    await Promise.all([written, added])
  } catch (error) {
    streaming.stream?.destroy()
    gate.open()
    await rm(outFile, { force: true })
    throw error
  }
  return hasher.result()
}

interface Streaming {
  name: string
  stream?: Readable
}

/**
 * Passes the zip's output on, and tells the writer when the part of it still unread has fallen
 * to the limit. It sits right after yazl's output stream, so each chunk it passes is one read.
 */
class OutputGate extends Transform {
  private waiting: (() => void)[] = []

  constructor(
    private readonly source: Pick<Readable, 'readableLength'>,
    private readonly limit: number
  ) {
    super()
  }

  /** Resolves once no more than the limit of the zip's output is unread. */
  room(): Promise<void> {
    if (this.source.readableLength <= this.limit) return Promise.resolve()
    return new Promise(resolve => this.waiting.push(resolve))
  }

  /** Lets every waiter go (the pipeline failed: nothing will be read any more). */
  open(): void {
    for (const resolve of this.waiting.splice(0)) resolve()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, chunk)
    if (this.source.readableLength <= this.limit) this.open()
  }
}

/**
 * Adds the entries in order. Which files go in as buffers depends only on the list (names and
 * sizes), and whether one is deflated only on its bytes, so the same tree always gives the same
 * bytes: a buffered entry carries its CRC and sizes in its header, a streamed one in a
 * descriptor after its data.
 */
async function addEntries(
  zip: yazl.ZipFile,
  entries: readonly Entry[],
  streaming: Streaming,
  gate: OutputGate
): Promise<void> {
  // yazl encodes the DOS date from the Date's *local* fields, so this Date is built in local time
  // to give the same fields (1980-01-01 00:00:00, the DOS epoch) in every time zone. The
  // universal-timestamp extra field (UTC seconds) would differ per zone, hence forceDosTimestamp.
  const mtime = new Date(1980, 0, 1, 0, 0, 0)
  let buffered = 0
  for (const entry of entries) {
    const options = { mtime, forceDosTimestamp: true, mode: entry.executable ? 0o100755 : 0o100644 }
    const small = entry.size <= BUFFERED_MAX_BYTES
    if (small && buffered + entry.size <= BUFFERED_WINDOW_BYTES) {
      let buffer: Buffer
      try {
        buffer = readSmall(entry)
      } catch (error) {
        throw fileError(entry.name, error)
      }
      zip.addBuffer(buffer, entry.name, {
        ...options,
        compressionLevel: levelForBuffer(entry.name, buffer)
      })
      buffered += entry.size
      continue
    }
    let compressionLevel: number
    try {
      compressionLevel = levelForFile(entry.name, entry.source, entry.size)
    } catch (error) {
      throw fileError(entry.name, error)
    }
    // yazl asks for a streamed entry once everything before it is written: the window is free.
    await new Promise<void>(reached => {
      // yazl checks the bytes it read against `size`: a file that changes while being archived
      // fails the snapshot instead of producing a torn one.
      const streamOptions = { ...options, compressionLevel, size: entry.size }
      zip.addReadStreamLazy(entry.name, streamOptions, callback => {
        streaming.name = entry.name
        reached()
        const opened = small
          ? new Promise<Readable>(resolve => resolve(Readable.from([readSmall(entry)])))
          : open(entry.source)
        opened.then(
          stream => {
            streaming.stream = stream
            stream.on('error', error => zip.emit('error', error))
            callback(null, stream)
          },
          (error: unknown) => zip.emit('error', error)
        )
      })
    })
    await gate.room()
    buffered = 0
  }
  zip.end()
}

const CHANGED_SIZE = new Error('unexpected number of bytes')

/**
 * A small file's bytes, read synchronously: a promise-based read is four round trips through the
 * thread pool (open, stat, read, close), several times the reading.
 */
function readSmall(entry: Entry): Buffer {
  const buffer = readFileSync(entry.source)
  if (buffer.length !== entry.size) throw CHANGED_SIZE
  return buffer
}

/** Opens a file as a stream, resolving once it is open (so a missing file rejects here). */
function open(file: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file)
    stream.once('open', () => resolve(stream))
    stream.once('error', reject)
  })
}
