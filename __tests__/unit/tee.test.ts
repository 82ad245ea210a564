import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Tee } from '../../src/lib/tee.js'

/** A Writable that collects what it gets, slowly (highWaterMark 1, so the Tee must wait for it). */
function sink(fail?: { afterChunks: number }) {
  const chunks: Buffer[] = []
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      if (fail && chunks.length === fail.afterChunks) return callback(new Error('copy failed'))
      chunks.push(chunk)
      setImmediate(callback)
    }
  })
  return { stream, bytes: () => Buffer.concat(chunks) }
}

const pieces = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, i))
const whole = Buffer.concat(pieces)

describe('Tee', () => {
  it('passes every byte through and copies every byte, at the pace of the slower', async () => {
    const main = sink()
    const copy = sink()
    await pipeline(Readable.from(pieces), new Tee(copy.stream), main.stream)
    expect(main.bytes().equals(whole)).toBe(true)
    expect(copy.bytes().equals(whole)).toBe(true)
    expect(copy.stream.writableFinished).toBe(true)
  })

  it('keeps the main stream going when the copy fails', async () => {
    const main = sink()
    const copy = sink({ afterChunks: 3 })
    copy.stream.on('error', () => undefined)
    await pipeline(Readable.from(pieces), new Tee(copy.stream), main.stream)
    expect(main.bytes().equals(whole)).toBe(true)
    expect(copy.bytes().length).toBe(3000)
  })

  it('destroys the copy when the main stream fails', async () => {
    const copy = sink()
    const failing = new Readable({
      read() {
        this.destroy(new Error('snapshot failed'))
      }
    })
    await expect(pipeline(failing, new Tee(copy.stream), sink().stream)).rejects.toThrow(
      'snapshot failed'
    )
    expect(copy.stream.destroyed).toBe(true)
    expect(copy.stream.writableFinished).toBe(false)
  })
})
