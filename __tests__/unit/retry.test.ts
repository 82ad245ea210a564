import { setLogSink } from '../../src/lib/log.js'
import { BACKOFF, backoffDelay, isTransient, withRetries } from '../../src/lib/retry.js'

const withFields = (fields: Record<string, unknown>, message = 'failed'): Error =>
  Object.assign(new Error(message), fields)

/** What fetch throws when the connection is refused: the socket's error is its cause. */
const refused = new TypeError('fetch failed', {
  cause: withFields({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED 127.0.0.1:1')
})

const info: string[] = []
setLogSink({
  info: message => info.push(message),
  notice: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  secret: () => undefined,
  group: async (_title, body) => body(),
  output: () => undefined
})

test.each<[string, unknown, boolean]>([
  ['HTTP 503 (status)', withFields({ status: 503 }), true],
  ['HTTP 429 (code, the storage client)', withFields({ code: 429 }), true],
  ['HTTP 408', withFields({ status: 408 }), true],
  ['HTTP 404', withFields({ code: 404 }), false],
  ['HTTP 403 with a gRPC-looking code beside it', withFields({ status: 403, code: 14 }), false],
  ['gRPC UNAVAILABLE', withFields({ code: 14 }), true],
  ['gRPC RESOURCE_EXHAUSTED', withFields({ code: 8 }), true],
  ['gRPC INVALID_ARGUMENT', withFields({ code: 3 }), false],
  ['gRPC NOT_FOUND', withFields({ code: 5 }), false],
  ['a reset socket', withFields({ code: 'ECONNRESET' }, 'read ECONNRESET'), true],
  ['fetch without an answer', refused, true],
  ['no answer, wrapped once more', new Error('GET /v2/ failed', { cause: refused }), true],
  ['a missing file', withFields({ code: 'ENOENT' }, 'no such file'), false],
  ['a plain error', new Error('bad input'), false],
  ['not an error at all', undefined, false]
])('isTransient: %s', (_name, error, expected) => {
  expect(isTransient(error)).toBe(expected)
})

test('backoffDelay: the ceiling doubles per failure up to its maximum, the draw stays below it', () => {
  const top = (failures: number): number => backoffDelay(failures, BACKOFF, () => 1)
  expect([1, 2, 3, 4, 5, 6, 7, 10].map(top)).toEqual([
    500, 1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000
  ])
  expect(backoffDelay(3, BACKOFF, () => 0.5)).toBe(1_000)
  expect(backoffDelay(3, BACKOFF, () => 0)).toBe(0)
})

test('backoffDelay: a pace to keep is the shortest wait, whatever the draw', () => {
  const paced = { firstMs: 4_000, maxMs: 30_000, minMs: 2_000 }
  expect(backoffDelay(1, paced, () => 0)).toBe(2_000)
  expect(backoffDelay(1, paced, () => 1)).toBe(4_000)
  expect(backoffDelay(9, paced, () => 1)).toBe(30_000)
})

test('withRetries: transient failures are tried again and logged; the answer comes back', async () => {
  info.length = 0
  let calls = 0
  const answer = await withRetries(
    async () => {
      calls += 1
      if (calls < 3) throw withFields({ code: 8 }, 'RESOURCE_EXHAUSTED: quota')
      return 'done'
    },
    { what: 'CreateBatch', backoff: { firstMs: 1, maxMs: 1 } }
  )
  expect(answer).toBe('done')
  expect(calls).toBe(3)
  expect(info).toHaveLength(2)
  expect(info[0]).toMatch(/^CreateBatch failed \(try 1: quota exceeded \(RESOURCE_EXHAUSTED\)/)
})

test('withRetries: a failure of the request is thrown at once', async () => {
  let calls = 0
  const invalid = withFields({ code: 3 }, 'INVALID_ARGUMENT')
  await expect(
    withRetries(
      async () => {
        calls += 1
        throw invalid
      },
      { what: 'CreateBatch' }
    )
  ).rejects.toBe(invalid)
  expect(calls).toBe(1)
})

test('withRetries: gives up after the tries it is given, with the last failure', async () => {
  let calls = 0
  await expect(
    withRetries(
      async () => {
        calls += 1
        throw withFields({ status: 503 }, `503 #${calls}`)
      },
      { what: 'HEAD manifest', attempts: 3, backoff: { firstMs: 1, maxMs: 1 } }
    )
  ).rejects.toThrow('503 #3')
  expect(calls).toBe(3)
})
