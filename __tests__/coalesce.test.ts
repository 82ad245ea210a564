import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Coalesce } from '../src/lib/coalesce.js'

async function through(chunks: Buffer[], blockBytes: number): Promise<Buffer[]> {
  const out: Buffer[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk)
      callback()
    }
  })
  await pipeline(Readable.from(chunks), new Coalesce(blockBytes), sink)
  return out
}

describe('Coalesce', () => {
  it('gathers small chunks into blocks of at least the block size, in order', async () => {
    const chunks = Array.from({ length: 100 }, (_, i) => Buffer.alloc(30 + (i % 7), i))
    const out = await through(chunks, 1000)
    expect(Buffer.concat(out).equals(Buffer.concat(chunks))).toBe(true)
    expect(out.length).toBeLessThan(chunks.length / 20)
    // Every block but the last reaches the size; the last is whatever was left.
    for (const block of out.slice(0, -1)) expect(block.length).toBeGreaterThanOrEqual(1000)
  })

  it('passes a big chunk through as it is when nothing is pending', async () => {
    const big = Buffer.alloc(5000, 1)
    const out = await through([big], 1000)
    expect(out).toHaveLength(1)
    expect(out[0]).toBe(big)
  })

  it('keeps a big chunk after the small ones before it', async () => {
    const chunks = [Buffer.from('ab'), Buffer.alloc(2000, 3), Buffer.from('cd')]
    const out = await through(chunks, 1000)
    expect(Buffer.concat(out).equals(Buffer.concat(chunks))).toBe(true)
    expect(out.map(block => block.length)).toEqual([2002, 2])
  })

  it('emits nothing for nothing', async () => {
    expect(await through([], 1000)).toEqual([])
  })
})
