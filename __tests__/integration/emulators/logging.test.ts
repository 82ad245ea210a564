import { startLoggingEmulator, type LoggingEmulator } from '../../../emulators/logging/server.js'
import { gcloudFor, type Gcloud } from '../../helpers/gcloud.js'

/**
 * The Cloud Logging emulator through its REST API (plain fetch, as Google's REST clients call
 * it) and through the installed gcloud, pointed at it with an endpoint override.
 */

type Body = Record<string, unknown>
interface Entry {
  insertId: string
  timestamp: string
  receiveTimestamp: string
  logName: string
  severity?: string
  textPayload?: string
  labels?: Record<string, string>
  resource: { type: string; labels?: Record<string, string> }
}
interface Answer {
  status: number
  body: Body & { entries?: Entry[]; nextPageToken?: string; error?: Body }
}

const OUTPUT = 'projects/proj-a/logs/dataproc.googleapis.com%2Foutput'
const batch = (id: string): { type: string; labels: Record<string, string> } => ({
  type: 'cloud_dataproc_batch',
  labels: { batch_id: id }
})

let emu: LoggingEmulator

async function call(base: string, method: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${base}/v2/entries:${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: response.status, body: (await response.json()) as Answer['body'] }
}

const write = (body: unknown, base = emu.url): Promise<Answer> => call(base, 'write', body)
const list = (body: Body, base = emu.url): Promise<Answer> => call(base, 'list', body)

/** The insertIds a filter selects in project proj-a, in the order the emulator answers. */
async function ids(filter: string, extra: Body = {}): Promise<string[]> {
  const { status, body } = await list({
    resourceNames: ['projects/proj-a'],
    filter,
    pageSize: 1000,
    ...extra
  })
  expect({ status, error: body.error }).toEqual({ status: 200, error: undefined })
  return (body.entries ?? []).map(entry => entry.insertId)
}

/** Polls until the check holds, however long a loaded machine takes: jest's limit is the only one. */
const until = async (check: () => Promise<boolean>): Promise<void> => {
  while (!(await check())) await new Promise(resolve => setTimeout(resolve, 25))
}

beforeAll(async () => {
  emu = await startLoggingEmulator()
  const seeded = await write({
    logName: OUTPUT,
    resource: batch('b1'),
    entries: [
      // written out of timestamp order on purpose
      {
        insertId: 'a4',
        timestamp: '2024-05-01T12:00:02+02:00',
        severity: 'ERROR',
        textPayload: 'Traceback: ValueError'
      },
      {
        insertId: 'a1',
        timestamp: '2024-05-01T10:00:00Z',
        severity: 'INFO',
        textPayload: 'starting driver'
      },
      {
        insertId: 'a2',
        timestamp: '2024-05-01T10:00:01.250Z',
        severity: 'DEBUG',
        textPayload: 'reading gs://bucket/input'
      },
      {
        insertId: 'a3',
        timestamp: '2024-05-01T10:00:02Z',
        severity: 'WARNING',
        labels: { attempt: '1' },
        jsonPayload: { message: 'slow stage', stage: 3, tags: ['spark', 'io'] }
      },
      {
        insertId: 'a5',
        timestamp: '2024-05-01T10:00:03.000000001Z',
        textPayload: 'done',
        resource: batch('b2')
      },
      {
        insertId: 'a6',
        timestamp: '2024-05-01T10:00:04Z',
        severity: 'CRITICAL',
        textPayload: 'other log',
        logName: 'projects/proj-a/logs/other',
        resource: { type: 'cloud_run_job', labels: { job_name: 'j' } }
      }
    ]
  })
  expect(seeded).toEqual({ status: 200, body: {} })
  const other = await write({
    entries: [
      {
        insertId: 'b1',
        logName: 'projects/proj-b/logs/dataproc.googleapis.com%2Foutput',
        resource: batch('b1'),
        timestamp: '2024-05-01T10:00:00.5Z',
        severity: 'INFO',
        textPayload: 'starting driver'
      }
    ]
  })
  expect(other.status).toBe(200)
})

afterAll(() => emu.close())

beforeEach(() => emu.faults.clear())

describe('entries:write', () => {
  it('fills in defaults, insertId and receiveTimestamp, and normalizes timestamps', async () => {
    const before = Date.now()
    const answer = await write({
      logName: 'projects/proj-w/logs/app',
      resource: { type: 'global' },
      labels: { env: 'test', who: 'request' },
      entries: [
        { textPayload: 'one', labels: { who: 'entry' }, timestamp: '2024-05-01T12:00:00.5+02:00' },
        { jsonPayload: { n: 1 }, severity: 'DEFAULT' }
      ]
    })
    expect(answer).toEqual({ status: 200, body: {} })
    const { body } = await list({ resourceNames: ['projects/proj-w'] })
    const [one, two] = body.entries ?? []
    expect(one).toMatchObject({
      logName: 'projects/proj-w/logs/app',
      resource: { type: 'global' },
      labels: { env: 'test', who: 'entry' },
      timestamp: '2024-05-01T10:00:00.500Z',
      textPayload: 'one'
    })
    expect(one?.insertId).toMatch(/^[0-9a-z]+$/)
    expect(two?.insertId).not.toBe(one?.insertId)
    // DEFAULT is the enum's zero value, which proto3 JSON leaves out
    expect(two?.severity).toBeUndefined()
    const received = Date.parse(two?.receiveTimestamp ?? '')
    expect(received).toBeGreaterThanOrEqual(before - 1)
    expect(received).toBeLessThanOrEqual(Date.now() + 1)
    expect(two?.timestamp).toBe(two?.receiveTimestamp)
  })

  it('rejects a bad entry with 400 INVALID_ARGUMENT and stores none of the request', async () => {
    const good = { textPayload: 'fine' }
    const cases: [Body, RegExp][] = [
      [{ resource: { type: 'global' }, entries: [good] }, /log name/],
      [{ logName: 'projects/proj-x/logs/l', entries: [good] }, /monitored resource/],
      [
        { logName: 'projects/proj-x/logz/l', resource: { type: 'global' }, entries: [good] },
        /invalid log name/
      ],
      [
        {
          logName: 'projects/proj-x/logs/l',
          resource: { type: 'global' },
          entries: [good, { severity: 'LOUD' }]
        },
        /LogSeverity.*LOUD/
      ],
      [
        {
          logName: 'projects/proj-x/logs/l',
          resource: { type: 'global' },
          entries: [{ textPayload: 'a', jsonPayload: {} }]
        },
        /more than one/
      ],
      [
        {
          logName: 'projects/proj-x/logs/l',
          resource: { type: 'global' },
          entries: [{ text: 'a' }]
        },
        /Unknown name "text"/
      ],
      [
        {
          logName: 'projects/proj-x/logs/l',
          resource: { type: 'global' },
          entries: [{ timestamp: 'yesterday' }]
        },
        /Timestamp/
      ]
    ]
    for (const [request, message] of cases) {
      const { status, body } = await write(request)
      expect(status).toBe(400)
      expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message })
    }
    const { body } = await list({ resourceNames: ['projects/proj-x'] })
    expect(body).toEqual({})
  })

  it('drops an entry with the same log, timestamp and insertId as one already written', async () => {
    const entry = { insertId: 'dup', timestamp: '2024-05-01T10:00:00Z', textPayload: 'x' }
    const request = {
      logName: 'projects/proj-d/logs/l',
      resource: { type: 'global' },
      entries: [entry]
    }
    await write(request)
    await write(request)
    const { body } = await list({ resourceNames: ['projects/proj-d'] })
    expect(body.entries).toHaveLength(1)
  })
})

describe('entries:list filters', () => {
  it('selects on logName, resource type and labels, quoted or not', async () => {
    expect(await ids(`logName="${OUTPUT}"`)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5'])
    expect(
      await ids('resource.type="cloud_dataproc_batch" AND resource.labels.batch_id="b1"')
    ).toEqual(['a1', 'a2', 'a3', 'a4'])
    expect(await ids('resource.labels.batch_id=b2')).toEqual(['a5'])
    expect(await ids('resource.type = cloud_run_job')).toEqual(['a6'])
    expect(await ids(`logName=${OUTPUT} resource.labels.batch_id!="b1"`)).toEqual(['a5'])
    expect(await ids('log_id("dataproc.googleapis.com/output") AND severity=DEFAULT')).toEqual([
      'a5'
    ])
  })

  it('compares timestamps as instants, to the nanosecond and across offsets', async () => {
    expect(
      await ids('timestamp>="2024-05-01T10:00:01Z" AND timestamp<"2024-05-01T10:00:03Z"')
    ).toEqual(['a2', 'a3', 'a4'])
    expect(await ids('timestamp>"2024-05-01T10:00:03Z"')).toEqual(['a5', 'a6'])
    expect(await ids('timestamp="2024-05-01T10:00:02.000Z"')).toEqual(['a3', 'a4'])
    expect(await ids('timestamp<="2024-05-01T11:00:01.25+01:00"')).toEqual(['a1', 'a2'])
    expect(await ids('receiveTimestamp>"2024-05-01T00:00:00Z"')).toHaveLength(6)
  })

  it('compares insertIds and severities in order', async () => {
    expect(await ids('insertId>"a2" AND insertId<="a4"')).toEqual(['a3', 'a4'])
    expect(await ids('insertId!=a1 AND insertId<a3')).toEqual(['a2'])
    expect(await ids('severity>=WARNING')).toEqual(['a3', 'a4', 'a6'])
    expect(await ids('severity=error')).toEqual(['a4'])
    expect(await ids('severity<INFO')).toEqual(['a2', 'a5'])
    expect(await ids('severity>=400')).toEqual(['a3', 'a4', 'a6'])
    expect(await ids('severity=(ERROR OR CRITICAL)')).toEqual(['a4', 'a6'])
  })

  it('searches payloads and labels', async () => {
    expect(await ids('textPayload:traceback')).toEqual(['a4'])
    expect(await ids('jsonPayload.message="slow stage" AND jsonPayload.stage>=3')).toEqual(['a3'])
    expect(await ids('jsonPayload.stage<3')).toEqual([])
    expect(await ids('jsonPayload.tags:spark')).toEqual(['a3'])
    expect(await ids('labels.attempt:*')).toEqual(['a3'])
    expect(await ids('-labels.attempt:* AND severity>=WARNING')).toEqual(['a4', 'a6'])
    expect(await ids('textPayload=~"^read.*input$"')).toEqual(['a2'])
    // a bare value is a global restriction: any field has it
    expect(await ids('"gs://bucket"')).toEqual(['a2'])
  })

  it('combines with AND, OR, NOT, -, parentheses and adjacency; OR binds tighter than AND', async () => {
    expect(await ids('NOT severity>=WARNING AND (textPayload:driver OR textPayload:done)')).toEqual(
      ['a1', 'a5']
    )
    // Logging's precedence: (CRITICAL OR DEBUG) AND b1, where the usual one would add a6
    expect(
      await ids('severity=CRITICAL OR severity=DEBUG AND resource.labels.batch_id=b1')
    ).toEqual(['a2'])
    expect(
      await ids('(severity=INFO OR severity=ERROR)\n  resource.labels.batch_id="b1" -- b1 only\n')
    ).toEqual(['a1', 'a4'])
    expect(await ids('-(severity>=INFO) resource.type:dataproc')).toEqual(['a2', 'a5'])
    expect(await ids('')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'])
  })

  it('rejects malformed filters with 400 INVALID_ARGUMENT and says where', async () => {
    const bad = [
      'severity>=ERROR AND (',
      '(severity>=ERROR',
      'severity>=ERROR)',
      'severity>=ERROR AND',
      'OR severity>=ERROR',
      'textPayload:"unterminated',
      'timestamp>="yesterday"',
      'severity>=LOUD',
      'nosuchfield="x"',
      'textPayload=',
      '()',
      'sample(insertId, 0.5)'
    ]
    for (const filter of bad) {
      const { status, body } = await list({ resourceNames: ['projects/proj-a'], filter })
      expect({ filter, status, error: body.error }).toMatchObject({
        filter,
        status: 400,
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: expect.stringMatching(/^Unparseable filter: .* at line 1, column \d+$/)
        }
      })
    }
  })

  it('rejects requests without resourceNames, or with a bad orderBy, pageSize or pageToken', async () => {
    const bad: Body[] = [
      {},
      { resourceNames: ['proj-a'] },
      { resourceNames: ['projects/proj-a'], orderBy: 'insertId asc' },
      { resourceNames: ['projects/proj-a'], pageSize: 1001 },
      { resourceNames: ['projects/proj-a'], pageToken: 'garbage' },
      { resourceNames: ['projects/proj-a'], unknownField: 1 }
    ]
    for (const request of bad) {
      const { status, body } = await list(request)
      expect({ request, status, code: body.error?.status }).toEqual({
        request,
        status: 400,
        code: 'INVALID_ARGUMENT'
      })
    }
  })
})

describe('entries:list order, paging and projects', () => {
  it('orders by timestamp then insertId, ascending or descending', async () => {
    expect(await ids('', { orderBy: 'timestamp asc' })).toEqual([
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
      'a6'
    ])
    expect(await ids('', { orderBy: 'timestamp desc' })).toEqual([
      'a6',
      'a5',
      'a4',
      'a3',
      'a2',
      'a1'
    ])
    expect(await ids('', { orderBy: 'TIMESTAMP  DESC' })).toEqual([
      'a6',
      'a5',
      'a4',
      'a3',
      'a2',
      'a1'
    ])
  })

  it('pages with opaque tokens that only continue their own query', async () => {
    for (const [orderBy, expected] of [
      [
        'timestamp asc',
        [
          ['a1', 'a2'],
          ['a3', 'a4'],
          ['a5', 'a6']
        ]
      ],
      [
        'timestamp desc',
        [
          ['a6', 'a5'],
          ['a4', 'a3'],
          ['a2', 'a1']
        ]
      ]
    ] as const) {
      const pages: string[][] = []
      let pageToken: string | undefined
      do {
        const { body } = await list({
          resourceNames: ['projects/proj-a'],
          orderBy,
          pageSize: 2,
          pageToken
        })
        pages.push((body.entries ?? []).map(e => e.insertId))
        pageToken = body.nextPageToken
      } while (pageToken && pages.length < 10)
      expect(pages).toEqual(expected)
    }
    const first = await list({ resourceNames: ['projects/proj-a'], pageSize: 2 })
    const changed = await list({
      resourceNames: ['projects/proj-a'],
      pageSize: 2,
      filter: 'severity>=INFO',
      pageToken: first.body.nextPageToken
    })
    expect(changed.status).toBe(400)
    expect(changed.body.error).toMatchObject({ message: expect.stringMatching(/page token/) })
    // without a pageSize, pages hold 50
    expect((await list({ resourceNames: ['projects/proj-a'] })).body.entries).toHaveLength(6)
  })

  it('reads only the projects named, merged in one order', async () => {
    const only = await list({ resourceNames: ['projects/proj-b'] })
    expect(only.body.entries?.map(e => e.insertId)).toEqual(['b1'])
    const both = await list({
      resourceNames: ['projects/proj-a', 'projects/proj-b'],
      filter: 'timestamp<"2024-05-01T10:00:02Z"'
    })
    expect(both.body.entries?.map(e => e.insertId)).toEqual(['a1', 'b1', 'a2'])
    const view = await list({
      resourceNames: ['projects/proj-b/locations/global/buckets/_Default/views/_AllLogs']
    })
    expect(view.body.entries?.map(e => e.insertId)).toEqual(['b1'])
    // proto3 JSON leaves out an empty list
    expect((await list({ resourceNames: ['projects/proj-none'] })).body).toEqual({})
  })
})

describe('late entries', () => {
  it('keeps written entries invisible for visibilityDelayMs', async () => {
    const slow = await startLoggingEmulator({ visibilityDelayMs: 400 })
    try {
      const request = {
        logName: 'projects/p/logs/l',
        resource: { type: 'global' },
        entries: [{ textPayload: 'late' }]
      }
      const written = Date.now()
      expect((await write(request, slow.url)).status).toBe(200)
      expect((await list({ resourceNames: ['projects/p'] }, slow.url)).body).toEqual({})
      await until(
        async () =>
          ((await list({ resourceNames: ['projects/p'] }, slow.url)).body.entries ?? []).length ===
          1
      )
      expect(Date.now() - written).toBeGreaterThanOrEqual(400)
    } finally {
      await slow.close()
    }
  })

  it('lets an entry arrive after later ones; a reader past its place misses it', async () => {
    const logName = 'projects/proj-late/logs/l'
    const resource = { type: 'global' }
    const stored = emu.write([
      { logName, resource, timestamp: '2024-05-01T10:00:00Z', textPayload: 'e1' },
      {
        logName,
        resource,
        timestamp: '2024-05-01T10:00:01Z',
        textPayload: 'e2',
        visibilityDelayMs: 300
      },
      { logName, resource, timestamp: '2024-05-01T10:00:02Z', textPayload: 'e3' }
    ])
    expect(stored.map(e => [e.textPayload, typeof e.insertId, typeof e.receiveTimestamp])).toEqual([
      ['e1', 'string', 'string'],
      ['e2', 'string', 'string'],
      ['e3', 'string', 'string']
    ])
    const texts = async (body: Body): Promise<string[]> =>
      ((await list({ resourceNames: ['projects/proj-late'], ...body })).body.entries ?? []).map(
        e => e.textPayload ?? ''
      )
    expect(await texts({})).toEqual(['e1', 'e3'])
    // a follower that remembers the newest timestamp it has seen
    const follower = 'timestamp>"2024-05-01T10:00:02Z"'
    // a reader that stopped after e1, with its page token
    const page = await list({ resourceNames: ['projects/proj-late'], pageSize: 1 })
    expect(page.body.entries?.map(e => e.textPayload)).toEqual(['e1'])
    await until(async () => (await texts({})).length === 3)
    expect(await texts({})).toEqual(['e1', 'e2', 'e3'])
    expect(await texts({ filter: follower })).toEqual([])
    expect(await texts({ pageSize: 1, pageToken: page.body.nextPageToken })).toEqual(['e2'])
  })
})

describe('faults', () => {
  const arm = async (rule: Body): Promise<void> => {
    const response = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify(rule)
    })
    expect(response.status).toBe(200)
  }

  it('answers 429 RESOURCE_EXHAUSTED with the quota details, once', async () => {
    await arm({ route: 'logging.list', times: 1, status: 429 })
    const failed = await list({ resourceNames: ['projects/proj-a'] })
    expect(failed.status).toBe(429)
    expect(failed.body.error).toEqual({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: expect.stringMatching(/^Quota exceeded for quota metric 'Read requests'/),
      details: [
        expect.objectContaining({
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com'
        })
      ]
    })
    expect((await list({ resourceNames: ['projects/proj-a'] })).status).toBe(200)
  })

  it('answers 403 PERMISSION_DENIED on write, and stores nothing', async () => {
    await arm({ route: 'logging.write', times: 1, status: 403 })
    const request = {
      logName: 'projects/proj-f/logs/l',
      resource: { type: 'global' },
      entries: [{ textPayload: 'x' }]
    }
    const failed = await write(request)
    expect(failed.status).toBe(403)
    expect(failed.body.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: "Permission 'logging.logEntries.create' denied on resource (or it may not exist).",
      details: [expect.objectContaining({ reason: 'IAM_PERMISSION_DENIED' })]
    })
    expect((await list({ resourceNames: ['projects/proj-f'] })).body).toEqual({})
  })

  it('answers 503 UNAVAILABLE; with afterApply the write happened all the same', async () => {
    await arm({ route: 'logging.list', times: 1, status: 503 })
    const failed = await list({ resourceNames: ['projects/proj-a'] })
    expect(failed).toEqual({
      status: 503,
      body: {
        error: {
          code: 503,
          status: 'UNAVAILABLE',
          message: 'The service is currently unavailable.'
        }
      }
    })
    await arm({ route: 'logging.write', times: 1, status: 503, afterApply: true, message: 'lost' })
    const request = {
      logName: 'projects/proj-g/logs/l',
      resource: { type: 'global' },
      entries: [{ textPayload: 'x' }]
    }
    expect((await write(request)).body.error).toMatchObject({ code: 503, message: 'lost' })
    expect((await list({ resourceNames: ['projects/proj-g'] })).body.entries).toHaveLength(1)
    const counts = emu.faults.requestCounts()
    expect(counts['logging.list']).toBeGreaterThan(0)
    expect(counts['logging.write']).toBeGreaterThan(0)
  })
})

describe('gcloud logging read', () => {
  const PROJECT = 'logging-emulator-test'
  let gcloud: Gcloud
  const ok = (args: string[]): Promise<string> => gcloud.ok(args)
  const minutesAgo = (minutes: number): string =>
    new Date(Date.now() - minutes * 60000).toISOString()
  const output = `projects/${PROJECT}/logs/dataproc.googleapis.com%2Foutput`

  beforeAll(async () => {
    gcloud = await gcloudFor({ logging: emu.url }, PROJECT)
    emu.write(
      [
        { timestamp: minutesAgo(3), textPayload: 'line 2', resource: batch('b1') },
        { timestamp: minutesAgo(4), textPayload: 'line 1', resource: batch('b1') },
        {
          timestamp: minutesAgo(2),
          textPayload: 'line 3',
          resource: batch('b1'),
          severity: 'ERROR'
        },
        { timestamp: minutesAgo(3), textPayload: 'other batch', resource: batch('b2') },
        { timestamp: minutesAgo(3000), textPayload: 'two days old', resource: batch('b1') }
      ],
      { logName: output }
    )
  })

  afterAll(() => gcloud?.remove())

  it('reads a batch output log in ascending order as JSON', async () => {
    const filter = `resource.type="cloud_dataproc_batch" AND resource.labels.batch_id="b1" AND logName="${output}"`
    const entries = JSON.parse(
      await ok(['logging', 'read', filter, '--format=json', '--order=asc'])
    ) as Entry[]
    expect(entries.map(e => e.textPayload)).toEqual(['two days old', 'line 1', 'line 2', 'line 3'])
    expect(entries[3]).toMatchObject({
      logName: output,
      resource: { type: 'cloud_dataproc_batch', labels: { batch_id: 'b1' } },
      severity: 'ERROR'
    })
  })

  it('reads newest first by default, within its one-day freshness', async () => {
    const stdout = await ok([
      'logging',
      'read',
      'resource.labels.batch_id="b1"',
      '--format=value(textPayload)'
    ])
    expect(stdout.trim().split('\n')).toEqual(['line 3', 'line 2', 'line 1'])
    const limited = await ok([
      'logging',
      'read',
      'severity>=ERROR',
      '--limit=1',
      '--format=value(textPayload)'
    ])
    expect(limited.trim()).toBe('line 3')
  })

  it('follows nextPageToken past its 1000-entry pages', async () => {
    const logName = `projects/${PROJECT}/logs/many`
    const count = 1203
    emu.write(
      Array.from({ length: count }, (_, i) => ({
        timestamp: new Date(Date.parse('2024-05-01T00:00:00Z') + i * 1000).toISOString(),
        textPayload: `n${i}`
      })),
      { logName, resource: { type: 'global' } }
    )
    const before = emu.faults.requestCounts()['logging.list'] ?? 0
    const stdout = await ok([
      'logging',
      'read',
      `logName="${logName}"`,
      '--order=asc',
      '--format=value(textPayload)'
    ])
    expect(stdout.trim().split('\n')).toEqual(Array.from({ length: count }, (_, i) => `n${i}`))
    expect((emu.faults.requestCounts()['logging.list'] ?? 0) - before).toBe(2)
  })

  it('reports a malformed filter as the service does', async () => {
    const result = await gcloud.run(['logging', 'read', 'severity>=ERROR AND (', '--order=asc'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/INVALID_ARGUMENT: Unparseable filter: unexpected end of filter/)
  })
})
