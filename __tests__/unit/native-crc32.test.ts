import { randomBytes } from 'node:crypto'
import crc32 from '../../src/lib/native-crc32.cjs'

describe('native-crc32 (buffer-crc32 API over zlib.crc32)', () => {
  it.each([
    ['the CRC-32 check value', '123456789', 0xcbf43926],
    ['an empty input', '', 0],
    ['a single byte', 'a', 0xe8b7be43],
    ['a length, which buffer-crc32 takes as that many zero bytes', 4, 0x2144df1c]
  ])('%s', (...[, input, expected]) => {
    expect(crc32.unsigned(input)).toBe(expected)
    expect(crc32(input).readUInt32BE(0)).toBe(expected)
    expect(crc32.signed(input)).toBe(expected | 0)
  })

  it('continues a checksum from a previous number or 4-byte buffer, as yazl streams it', () => {
    const first = randomBytes(70_000)
    const second = randomBytes(1_234)
    const whole = crc32.unsigned(Buffer.concat([first, second]))
    expect(crc32.unsigned(second, crc32.unsigned(first))).toBe(whole)
    expect(crc32.unsigned(second, crc32(first))).toBe(whole)
    expect(crc32.signed(second, crc32.signed(first)) >>> 0).toBe(whole)
  })

  it('keeps the previous value when nothing is added (zlib.crc32 alone would answer 0)', () => {
    expect(crc32.unsigned(Buffer.alloc(0), 0x12345678)).toBe(0x12345678)
    expect(crc32(Buffer.alloc(0), crc32('abc')).equals(crc32('abc'))).toBe(true)
  })

  it('refuses inputs buffer-crc32 refuses', () => {
    expect(() => crc32.unsigned({} as unknown as Buffer)).toThrow(
      'input must be buffer, number, or string, received object'
    )
  })
})
