/**
 * Writes the entries as a deterministic zip (records.ts: entries in the given order, a fixed
 * timestamp, permissions reduced to 0644/0755, no extra fields) and computes the CRC32C that GCS
 * will report while the bytes go by, so a later upload can be verified without reading the file
 * again.
 *
 * Memory is bounded whatever the repository's size: small files are read ahead at most
 * READ_AHEAD_BYTES at a time, bigger ones are streamed, and the zip is produced only as fast as
 * the slowest of its consumers (the file, the upload) takes it. The work is split over two cores:
 * the main thread reads, checksums and writes; small files are deflated in a worker thread
 * (deflate.ts), big ones in zlib's thread pool.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import {
  PassThrough,
  Readable,
  Transform,
  type TransformCallback,
  type Writable
} from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32, createDeflateRaw } from 'node:zlib'
import { HashingStream, type Checksums } from '../../lib/checksum.js'
import { Tee } from '../../lib/tee.js'
import { DEFLATE_LEVEL, levelForBuffer, levelForFile, STORE } from './compress.js'
import { Deflater } from './deflate.js'
import { fileError, type Entry } from './entries.js'
import {
  centralRecord,
  dataDescriptor,
  endOfCentralDirectory,
  localHeader,
  ZIP64_FROM_BYTES,
  type Written
} from './records.js'

/**
 * Files up to this size are read whole, synchronously: a stream per file would cost a pipeline
 * and a few turns of the event loop each, which for thousands of small files is most of the
 * snapshot's time. Their sizes and CRC lead their data; bigger files are streamed, with a data
 * descriptor after their data. Which is which depends only on the sizes: the same tree, the same
 * bytes.
 */
const READ_WHOLE_MAX_BYTES = 1024 * 1024
/** Small files read and waiting (to be deflated or written): refilled when half is used. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024
/** The zip leaves in blocks of about this size: fewer calls in each stage after it. */
const BLOCK_BYTES = 256 * 1024
const STREAM_CHUNK_BYTES = 512 * 1024
const DEFLATED = 8

export async function writeZip(
  entries: readonly Entry[],
  outFile: string,
  alsoTo: Writable | undefined
): Promise<Checksums> {
  await mkdir(path.dirname(outFile), { recursive: true })
  const hasher = await HashingStream.create()
  const deflater = new Deflater(DEFLATE_LEVEL)
  // A few blocks waiting are enough to keep the consumers busy; more would only hold memory.
  const source = Readable.from(zipBytes(entries, deflater), { highWaterMark: 4 })
  const file = createWriteStream(outFile)
  try {
    await (alsoTo
      ? pipeline(source, hasher, new Tee(alsoTo), file)
      : pipeline(source, hasher, file))
  } catch (error) {
    await rm(outFile, { force: true })
    throw error
  } finally {
    await deflater.close()
  }
  return hasher.result()
}

/** The zip's bytes, in blocks. */
async function* zipBytes(entries: readonly Entry[], deflater: Deflater): AsyncGenerator<Buffer> {
  const written: Written[] = []
  const ahead = new ReadAhead(entries, deflater)
  const block = new Block()
  for (const [index, entry] of entries.entries()) {
    const base = {
      name: Buffer.from(entry.name),
      mode: entry.executable ? 0o100755 : 0o100644,
      offset: block.offset
    }
    try {
      if (entry.size <= READ_WHOLE_MAX_BYTES) {
        const small = await ahead.take(index)
        const record: Written = {
          ...base,
          ...small.sums,
          compressedSize: small.data.length,
          size: entry.size,
          descriptor: false,
          zip64: false
        }
        written.push(record)
        block.add(localHeader(record), small.data)
      } else {
        const level = levelForFile(entry.name, entry.source, entry.size)
        const zip64 = entry.size >= ZIP64_FROM_BYTES
        const method = level === STORE ? STORE : DEFLATED
        const opening = { ...base, method, crc: 0, compressedSize: 0, size: 0 }
        block.add(localHeader({ ...opening, descriptor: true, zip64 }))
        yield* block.take()
        const sums = { crc: 0, size: 0, compressedSize: 0 }
        for await (const chunk of fileData(entry, level, sums)) {
          sums.compressedSize += chunk.length
          block.add(chunk)
          yield* block.take()
        }
        if (sums.size !== entry.size) throw CHANGED_SIZE
        const record: Written = { ...opening, ...sums, descriptor: true, zip64 }
        written.push(record)
        block.add(dataDescriptor(record))
      }
    } catch (error) {
      throw fileError(entry.name, error)
    }
    if (block.full()) yield* block.take()
  }
  const start = block.offset
  for (const record of written) {
    block.add(centralRecord(record))
    if (block.full()) yield* block.take()
  }
  block.add(endOfCentralDirectory(written.length, start, block.offset - start))
  yield* block.take()
}

/**
 * Gathers the zip's small pieces (headers, small files) into blocks, and counts the offset. A
 * piece of a block's size or more goes on as it is: copying it into a block would only cost time
 * and garbage.
 */
class Block {
  offset = 0
  private parts: Buffer[] = []
  private bytes = 0

  add(...parts: Buffer[]): void {
    for (const part of parts) {
      this.parts.push(part)
      this.bytes += part.length
      this.offset += part.length
    }
  }

  full(): boolean {
    return this.bytes >= BLOCK_BYTES
  }

  *take(): Generator<Buffer> {
    let small: Buffer[] = []
    let smallBytes = 0
    for (const part of this.parts) {
      if (part.length < BLOCK_BYTES / 4) {
        small.push(part)
        smallBytes += part.length
        continue
      }
      if (smallBytes > 0) yield Buffer.concat(small, smallBytes)
      small = []
      smallBytes = 0
      yield part
    }
    if (smallBytes > 0)
      yield small.length === 1 ? (small[0] as Buffer) : Buffer.concat(small, smallBytes)
    this.parts = []
    this.bytes = 0
  }
}

interface Small {
  data: Buffer
  sums: { method: number; crc: number }
}

const CHANGED_SIZE = new Error('unexpected number of bytes')

/**
 * Reads the small files ahead of the writer, in order, and hands those to deflate to the worker:
 * while the writer waits for one file's deflate, the next ones are being read and deflated.
 */
class ReadAhead {
  private readonly ready = new Map<number, Promise<Small>>()
  private next = 0
  private bytes = 0

  constructor(
    private readonly entries: readonly Entry[],
    private readonly deflater: Deflater
  ) {}

  take(index: number): Promise<Small> {
    if (!this.ready.has(index) || this.bytes < READ_AHEAD_BYTES / 2) this.fill(index)
    const small = this.ready.get(index) as Promise<Small>
    this.ready.delete(index)
    this.bytes -= (this.entries[index] as Entry).size
    return small
  }

  private fill(index: number): void {
    this.next = Math.max(this.next, index)
    while (
      this.next < this.entries.length &&
      (this.next <= index || this.bytes < READ_AHEAD_BYTES)
    ) {
      const entry = this.entries[this.next] as Entry
      if (entry.size <= READ_WHOLE_MAX_BYTES) {
        const small = this.read(entry)
        // Thrown when taken; a snapshot that fails before then must not leave it unhandled.
        small.catch(() => undefined)
        this.ready.set(this.next, small)
        this.bytes += entry.size
      }
      this.next++
    }
    this.deflater.flush()
  }

  private read(entry: Entry): Promise<Small> {
    let buffer: Buffer
    try {
      buffer = readFileSync(entry.source)
      if (buffer.length !== entry.size) throw CHANGED_SIZE
    } catch (error) {
      return Promise.reject(error)
    }
    const level = levelForBuffer(entry.name, buffer)
    const crc = crc32(buffer)
    if (level === STORE) return Promise.resolve({ data: buffer, sums: { method: STORE, crc } })
    return this.deflater.deflate(buffer).then(data => ({ data, sums: { method: DEFLATED, crc } }))
  }
}

/** A big file's data as it goes into the zip, stored or deflated; `sums` counts what was read. */
async function* fileData(
  entry: Entry,
  level: number,
  sums: { crc: number; size: number }
): AsyncGenerator<Buffer> {
  const input = createReadStream(entry.source, { highWaterMark: STREAM_CHUNK_BYTES })
  const count = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      sums.crc = crc32(chunk, sums.crc)
      sums.size += chunk.length
      callback(null, chunk)
    }
  })
  const output = level === STORE ? new PassThrough() : createDeflateRaw({ level })
  const feeding = pipeline(input, count, output)
  // Read below; a failure here also ends that reading with the error, and is thrown there.
  feeding.catch(() => undefined)
  for await (const chunk of output) yield chunk as Buffer
  await feeding
}
