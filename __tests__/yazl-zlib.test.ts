import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import zlib from 'node:zlib'
import yazlZlib from '../src/lib/yazl-zlib.cjs'

const deflate = (input: Buffer, options: zlib.ZlibOptions = {}): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    yazlZlib.deflateRaw(input, options, (error, result) =>
      error ? reject(error) : resolve(result)
    )
  )

// Compressible, and around the size where the shim switches to the thread pool.
const text = (bytes: number): Buffer =>
  Buffer.from('def node(x):\n    return x * 2\n'.repeat(Math.ceil(bytes / 31))).subarray(0, bytes)

describe('yazl-zlib (the zlib the bundle gives yazl)', () => {
  it.each([0, 1, 4096, yazlZlib.SYNC_MAX_BYTES, yazlZlib.SYNC_MAX_BYTES + 1, 1024 * 1024])(
    'deflates %i bytes to exactly what zlib.deflateRaw gives',
    async size => {
      for (const input of [text(size), randomBytes(size)]) {
        for (const level of [undefined, 9]) {
          const expected = zlib.deflateRawSync(input, { level })
          expect((await deflate(input, { level })).equals(expected)).toBe(true)
        }
      }
    }
  )

  it('calls back later, never before deflateRaw returns, as yazl expects', async () => {
    const order: string[] = []
    const done = new Promise<void>(resolve =>
      yazlZlib.deflateRaw(text(100), {}, () => {
        order.push('callback')
        resolve()
      })
    )
    order.push('returned')
    await done
    expect(order).toEqual(['returned', 'callback'])
  })

  it('passes errors to the callback', async () => {
    await expect(deflate(text(100), { level: 42 })).rejects.toThrow(/level/)
  })

  it('leaves the rest of zlib as it is', () => {
    expect(yazlZlib.DeflateRaw).toBe(zlib.DeflateRaw)
    expect(yazlZlib.crc32).toBe(zlib.crc32)
  })

  it('is what yazl gets in the bundle, and nothing else does', () => {
    const bundle = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8')
    const yazlModule = /"node_modules\/yazl\/index\.js"[\s\S]*?\n {2}\}\n\}\);/.exec(bundle)?.[0]
    expect(yazlModule).toContain('require_yazl_zlib()')
    expect(yazlModule).not.toMatch(/require\("zlib"\)/)
    expect(bundle.match(/require_yazl_zlib\(\)/g)).toHaveLength(1)
  })
})
