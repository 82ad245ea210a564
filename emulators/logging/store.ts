import { createHash, randomBytes } from 'node:crypto'
import {
  knownFields,
  labelsOf,
  normalizeEntry,
  resourceOf,
  WRITE_REQUEST_FIELDS,
  type Json,
  type LogEntry,
  type StoredEntry,
  type WriteDefaults
} from './entry.js'
import { invalidArgument, invalidJson } from './errors.js'
import { parseFilter } from './filter.js'
import { compareInstants, instantFromMillis } from './time.js'

/**
 * Entries in memory. Each becomes visible to entries:list only at its `visibleAt`, so a test can
 * have entries arrive late and out of timestamp order, as the service's ingestion does. Pages
 * resume after the last entry handed out (its position in the order, not an index), so an entry
 * that becomes visible behind a reader's position is missed by that reader: the hazard a follower
 * of live logs has to handle.
 */

interface Row extends StoredEntry {
  seq: number
  visibleAt: number
}

export interface ListResult {
  entries: LogEntry[]
  nextPageToken?: string
}

const LIST_FIELDS = ['resourceNames', 'projectIds', 'filter', 'orderBy', 'pageSize', 'pageToken']
const DEFAULT_PAGE_SIZE = 50
const MAX_PAGE_SIZE = 1000
// projects/P, or a log view of P (projects/P/locations/L/buckets/B/views/V): both read P's logs
const RESOURCE_NAME =
  /^((?:projects|organizations|folders|billingAccounts)\/[^/]+)(?:\/locations\/[^/]+\/buckets\/[^/]+\/views\/[^/]+)?$/

export class LogStore {
  private rows: Row[] = []
  private readonly seen = new Set<string>()
  private seq = 0
  // Generated insertIds sort in write order within one emulator: entries written in one request
  // with one timestamp keep their order.
  private readonly idPrefix = randomBytes(4).toString('hex')
  private ids = 0

  constructor(
    private readonly defaultDelayMs: number,
    private readonly now: () => number = Date.now
  ) {}

  private readonly newInsertId = (): string =>
    `${this.idPrefix}${(++this.ids).toString(36).padStart(8, '0')}`

  /** Validates every entry first: a write with one bad entry stores none of them. */
  private write(
    raw: unknown[],
    defaults: WriteDefaults,
    delays: (number | undefined)[]
  ): LogEntry[] {
    const receivedAt = this.now()
    const now = instantFromMillis(receivedAt)
    const stored = raw.map((item, index) =>
      normalizeEntry(item, index, defaults, now, this.newInsertId)
    )
    const written: LogEntry[] = []
    stored.forEach((row, index) => {
      // the service drops an entry with the same log, timestamp and insertId as one it has
      const key = `${row.entry.logName}\n${row.entry.timestamp}\n${row.entry.insertId}`
      if (this.seen.has(key)) return
      this.seen.add(key)
      this.seq += 1
      const delay = delays[index] ?? this.defaultDelayMs
      this.rows.push({ ...row, seq: this.seq, visibleAt: receivedAt + Math.max(0, delay) })
      written.push(row.entry)
    })
    return written
  }

  /**
   * entries:write's body, `{logName?, resource?, labels?, entries, partialSuccess?, dryRun?}`;
   * `delays` (the in-process write's) override the visibility delay entry by entry.
   */
  writeRequest(body: unknown, delays: (number | undefined)[] = []): LogEntry[] {
    const request = knownFields(body, WRITE_REQUEST_FIELDS, '')
    const entries = request.entries ?? []
    if (!Array.isArray(entries)) throw invalidJson(`Invalid value at 'entries': expected a list.`)
    if (request.logName !== undefined && typeof request.logName !== 'string') {
      throw invalidJson(
        `Invalid value at 'log_name' (TYPE_STRING), ${JSON.stringify(request.logName)}`
      )
    }
    const defaults: WriteDefaults = {
      logName: request.logName,
      resource: resourceOf(request.resource, 'resource'),
      labels: labelsOf(request.labels, 'labels')
    }
    if (request.dryRun === true) {
      const now = instantFromMillis(this.now())
      entries.forEach((item, index) => normalizeEntry(item, index, defaults, now, () => 'dry-run'))
      return []
    }
    // copies, so that what a caller does with them cannot change what is stored
    return structuredClone(this.write(entries, defaults, delays))
  }

  list(body: unknown): ListResult {
    const request = knownFields(body, LIST_FIELDS, '')
    const names = [
      ...stringList(request.resourceNames, 'resourceNames'),
      ...stringList(request.projectIds, 'projectIds').map(id => `projects/${id}`)
    ]
    if (names.length === 0) {
      throw invalidArgument(
        'resourceNames must name at least one resource, e.g. "projects/my-project".'
      )
    }
    const parents = names.map(name => {
      const match = RESOURCE_NAME.exec(name)
      if (!match) throw invalidArgument(`Invalid resource name ${JSON.stringify(name)}.`)
      return `${match[1]}/logs/`
    })
    const orderBy = optionalString(request.orderBy, 'orderBy') ?? 'timestamp asc'
    const direction = /^\s*timestamp\s+(asc|desc)\s*$/i.exec(orderBy)?.[1]?.toLowerCase()
    if (!direction) {
      throw invalidArgument(
        `Invalid orderBy ${JSON.stringify(orderBy)}: only "timestamp asc" and "timestamp desc" are supported.`
      )
    }
    const pageSize = Number(request.pageSize ?? 0)
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw invalidArgument(
        `Invalid page size ${JSON.stringify(request.pageSize)}: it must be between 0 and ${MAX_PAGE_SIZE}.`
      )
    }
    const filter = optionalString(request.filter, 'filter') ?? ''
    const matches = parseFilter(filter)
    const query = createHash('sha256')
      .update(JSON.stringify([[...parents].sort(), filter, direction]))
      .digest('base64url')
      .slice(0, 16)
    const token = optionalString(request.pageToken, 'pageToken')
    const cursor = token ? decodeCursor(token, query) : undefined
    const sign = direction === 'desc' ? -1 : 1
    const now = this.now()
    const ordered = this.rows
      .filter(row => row.visibleAt <= now && parents.some(p => row.entry.logName.startsWith(p)))
      .filter(row => !cursor || sign * compareKeys(keyOf(row), cursor) > 0)
      .filter(row => matches(row.entry))
      .sort((a, b) => sign * compareKeys(keyOf(a), keyOf(b)))
    const page = ordered.slice(0, pageSize || DEFAULT_PAGE_SIZE)
    const last = page[page.length - 1]
    const result: ListResult = { entries: page.map(row => row.entry) }
    if (last && ordered.length > page.length) {
      result.nextPageToken = Buffer.from(JSON.stringify({ query, ...keyOf(last) })).toString(
        'base64url'
      )
    }
    return result
  }
}

/** Where an entry stands in the order: timestamp, then insertId, then the order of writing. */
interface Key {
  seconds: number
  nanos: number
  insertId: string
  seq: number
}

const keyOf = (row: Row): Key => ({ ...row.at, insertId: row.entry.insertId, seq: row.seq })

const compareKeys = (a: Key, b: Key): number =>
  compareInstants(a, b) ||
  (a.insertId < b.insertId ? -1 : a.insertId > b.insertId ? 1 : 0) ||
  a.seq - b.seq

function stringList(value: Json | undefined, at: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) {
    throw invalidJson(`Invalid value at '${at}': expected a list of strings.`)
  }
  return value as string[]
}

function optionalString(value: Json | undefined, at: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') {
    throw invalidJson(`Invalid value at '${at}' (TYPE_STRING), ${JSON.stringify(value)}`)
  }
  return value
}

function decodeCursor(token: string, query: string): Key {
  let cursor: Partial<Key> & { query?: string } = {}
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof cursor
  } catch {
    // reported below
  }
  if (
    typeof cursor.seq !== 'number' ||
    typeof cursor.insertId !== 'string' ||
    typeof cursor.seconds !== 'number' ||
    typeof cursor.nanos !== 'number'
  ) {
    throw invalidArgument(`Invalid page token ${JSON.stringify(token)}.`)
  }
  // a token only continues the query it came from
  if (cursor.query !== query) {
    throw invalidArgument(
      'The page token does not belong to this query: resourceNames, filter and orderBy must not change between pages.'
    )
  }
  return cursor as Key
}
