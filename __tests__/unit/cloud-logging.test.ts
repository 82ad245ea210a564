import type { ListEntries, LogEntry } from '../../src/clients/logging.js'
import { CloudLoggingOutput } from '../../src/steps/batch/cloud-logging.js'
import { setLogSink } from '../../src/lib/log.js'

/**
 * The reader's logic against a scripted entries:list (the end-to-end tests use the Cloud Logging
 * emulator): lines once and in timestamp order though entries arrive late and out of order.
 */
const T0 = Date.parse('2026-12-04T10:00:00Z')
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString()
const entry = (id: string, seconds: number, message: string): LogEntry => ({
  insertId: id,
  timestamp: at(seconds),
  jsonPayload: { message }
})

function harness(visible: (now: number) => LogEntry[]) {
  let now = T0
  const requests: Record<string, unknown>[] = []
  const list: ListEntries = async body => {
    requests.push(body)
    const from = /timestamp>="([^"]+)"/.exec(String(body.filter))?.[1] ?? ''
    return { entries: visible(now).filter(e => (e.timestamp ?? '') >= from) }
  }
  const lines: string[] = []
  const output = new CloudLoggingOutput(
    list,
    { project: 'p', location: 'r', batchId: 'b', since: T0 },
    line => lines.push(line),
    () => now
  )
  return {
    lines,
    requests,
    output,
    advance: (ms: number) => (now += ms)
  }
}

test('late and out-of-order entries come out once each, in timestamp order', async () => {
  const all = [
    { arrives: 0, entry: entry('a', 1, 'one') },
    { arrives: 9_000, entry: entry('b', 2, 'two\nthree\n') },
    { arrives: 3_000, entry: entry('c', 4, 'four') },
    { arrives: 12_000, entry: entry('d', 5, '[kedro-dataproc] kedro run exited with status 0') },
    // Older than the last line, and later to arrive: still within the settle period.
    { arrives: 12_500, entry: entry('e', 4.5, 'four and a half') }
  ]
  const h = harness(now => all.filter(e => T0 + e.arrives <= now).map(e => e.entry))
  let done = false
  for (let step = 0; step < 40 && !done; step++) {
    done = await h.output.poll(step >= 8)
    h.advance(1_000)
  }
  expect(done).toBe(true)
  expect(h.lines).toEqual([
    'one',
    'two',
    'three',
    'four',
    '[kedro-dataproc] kedro run exited with status 0'
  ])
  // At most one request every two seconds: well inside 60 a minute.
  expect(h.requests.length).toBeLessThanOrEqual(8)
  expect(String(h.requests[0]?.filter)).toBe(
    'logName="projects/p/logs/dataproc.googleapis.com%2Foutput" AND resource.type="cloud_dataproc_batch" AND resource.labels.batch_id="b" AND resource.labels.location="r" AND timestamp>="2026-12-04T09:59:00.000Z"'
  )
})

test('a 403 ends reading with one warning and what was read so far; the run goes on', async () => {
  const list: ListEntries = async () => {
    throw Object.assign(new Error('entries:list answered 403'), { status: 403 })
  }
  const output = new CloudLoggingOutput(
    list,
    { project: 'p', location: 'r', batchId: 'b', since: T0 },
    () => undefined
  )
  const warnings: string[] = []
  setLogSink({
    info: () => undefined,
    notice: () => undefined,
    warning: message => warnings.push(message),
    error: message => warnings.push(message),
    secret: () => undefined,
    group: async (_title, body) => body(),
    output: () => undefined
  })
  expect(await output.poll(false)).toBe(true)
  expect(await output.poll(true)).toBe(true)
  expect(warnings.filter(text => text.includes('roles/logging.viewer'))).toHaveLength(1)
})

/** The times of the calls (ms after the start) while the first two answer 429, with Math.random drawing `draw`. */
async function backedOff(draw: number): Promise<{ pollTimes: number[]; lines: string[] }> {
  let calls = 0
  let now = T0
  const list: ListEntries = async () => {
    calls += 1
    if (calls <= 2) throw Object.assign(new Error('429'), { status: 429 })
    return { entries: [entry('x', 1, 'only line')] }
  }
  const lines: string[] = []
  const output = new CloudLoggingOutput(
    list,
    { project: 'p', location: 'r', batchId: 'b', since: T0 },
    line => lines.push(line),
    () => now
  )
  const pollTimes: number[] = []
  const random = Math.random
  Math.random = () => draw
  try {
    let done = false
    for (let step = 0; step < 60 && !done; step++) {
      const before = calls
      done = await output.poll(true)
      if (calls > before) pollTimes.push(now - T0)
      now += 1_000
    }
    expect(done).toBe(true)
  } finally {
    Math.random = random
  }
  return { pollTimes, lines }
}

test('429 backs off with jitter, never faster than a request every 2 s; without the last line the reader stops after a quiet period', async () => {
  // The longest draw waits the whole ceiling, 4 s then 8 s; the shortest still waits 2 s.
  const longest = await backedOff(1 - Number.EPSILON)
  expect(longest.lines).toEqual(['only line'])
  expect(longest.pollTimes.slice(0, 3)).toEqual([0, 4_000, 12_000])
  const shortest = await backedOff(0)
  expect(shortest.lines).toEqual(['only line'])
  expect(shortest.pollTimes.slice(0, 3)).toEqual([0, 2_000, 4_000])
})
