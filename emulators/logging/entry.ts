import { invalidArgument, invalidJson } from './errors.js'
import { formatInstant, parseInstant, type Instant } from './time.js'

/**
 * LogEntry as the v2 API carries it in JSON, and the rules entries:write applies to it: defaults
 * from the request, one payload at most, well-formed log names, known severities, an insertId and
 * a receiveTimestamp assigned by the service when the writer gives none.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export type JsonObject = { [key: string]: Json }

export const SEVERITIES = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800
} as const
export type Severity = keyof typeof SEVERITIES

export interface MonitoredResource {
  type: string
  labels?: Record<string, string>
}

export interface LogEntry {
  logName: string
  resource: MonitoredResource
  timestamp: string
  receiveTimestamp: string
  severity?: Severity
  insertId: string
  textPayload?: string
  jsonPayload?: JsonObject
  protoPayload?: JsonObject
  labels?: Record<string, string>
  httpRequest?: JsonObject
  operation?: JsonObject
  trace?: string
  spanId?: string
  traceSampled?: boolean
  sourceLocation?: JsonObject
  split?: JsonObject
}

/** An entry as a writer gives it: everything optional, severity by name or number. */
export type LogEntryInput = Partial<Omit<LogEntry, 'severity'>> & { severity?: Severity | number }

/** The request-level defaults of entries:write. */
export interface WriteDefaults {
  logName?: string
  resource?: MonitoredResource
  labels?: Record<string, string>
}

/** A normalized entry and its instant, by which entries:list orders. */
export interface StoredEntry {
  entry: LogEntry
  at: Instant
}

// LogEntry's fields in field-number order, which is the order the service's JSON answers use.
export const ENTRY_FIELDS = [
  'protoPayload',
  'textPayload',
  'insertId',
  'jsonPayload',
  'httpRequest',
  'resource',
  'timestamp',
  'severity',
  'labels',
  'logName',
  'operation',
  'trace',
  'sourceLocation',
  'receiveTimestamp',
  'spanId',
  'traceSampled',
  'split'
] as const
const OBJECT_FIELDS = ['httpRequest', 'operation', 'sourceLocation', 'split'] as const
const STRING_FIELDS = ['trace', 'spanId'] as const
export const WRITE_REQUEST_FIELDS = [
  'logName',
  'resource',
  'labels',
  'entries',
  'partialSuccess',
  'dryRun'
]

// The service takes 256 KiB per entry; it measures the protobuf, the JSON is close enough.
const MAX_ENTRY_BYTES = 256 * 1024
const LOG_NAME = /^\/?((?:projects|organizations|folders|billingAccounts)\/[^/]+)\/logs\/(.+)$/
const LOG_ID = /^[A-Za-z0-9/_.-]{1,511}$/

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** proto3 JSON parsers accept the proto field names too: log_name for logName. */
const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** The object with its keys in lowerCamel, rejecting names the message does not have. */
export function knownFields(value: unknown, fields: readonly string[], at: string): JsonObject {
  if (!isObject(value)) throw invalidJson(`${at || 'The request'} must be a JSON object.`)
  const out: JsonObject = {}
  for (const [key, field] of Object.entries(value)) {
    const name = camel(key)
    if (!fields.includes(name)) {
      throw invalidJson(`Unknown name "${key}"${at ? ` at '${at}'` : ''}: Cannot find field.`)
    }
    out[name] = field
  }
  return out
}

export function severityOf(value: unknown, at: string): Severity | undefined {
  if (value === undefined || value === null) return undefined
  const found = (Object.keys(SEVERITIES) as Severity[]).find(name =>
    typeof value === 'number' ? SEVERITIES[name] === value : name === value
  )
  if (!found) {
    throw invalidArgument(
      `Invalid value at '${at}' (type.googleapis.com/google.logging.type.LogSeverity), ${JSON.stringify(value)}`
    )
  }
  return found
}

function stringMap(value: unknown, at: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw invalidJson(`Invalid value at '${at}': a map must be a JSON object.`)
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw invalidJson(`Invalid value at '${at}[${key}]' (TYPE_STRING), ${JSON.stringify(item)}`)
    }
  }
  return value as Record<string, string>
}

export function resourceOf(value: unknown, at: string): MonitoredResource | undefined {
  if (value === undefined || value === null) return undefined
  const fields = knownFields(value, ['type', 'labels'], at)
  if (typeof fields.type !== 'string') {
    throw invalidJson(`Invalid value at '${at}.type' (TYPE_STRING), ${JSON.stringify(fields.type)}`)
  }
  const labels = stringMap(fields.labels, `${at}.labels`)
  return labels ? { type: fields.type, labels: { ...labels } } : { type: fields.type }
}

export function labelsOf(value: unknown, at: string): Record<string, string> | undefined {
  return stringMap(value, at)
}

/** Projects in log names are what entries:list selects on; the log ID is kept URL-encoded. */
function normalizeLogName(name: string, index: number): string {
  const match = LOG_NAME.exec(name)
  const logId = match ? safeDecode(match[2] ?? '') : undefined
  if (!match || logId === undefined || !LOG_ID.test(logId)) {
    throw invalidArgument(
      `Log entry with index ${index} has an invalid log name "${name}": expected projects/[PROJECT_ID]/logs/[LOG_ID], the log ID URL-encoded, at most 511 characters of letters, digits and /_-.`
    )
  }
  return `${match[1]}/logs/${encodeURIComponent(logId)}`
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

function instantOf(value: unknown, at: string): Instant | undefined {
  if (value === undefined || value === null) return undefined
  const instant = typeof value === 'string' ? parseInstant(value) : undefined
  if (!instant || !/[Tt]/.test(String(value))) {
    throw invalidJson(
      `Invalid value at '${at}' (type.googleapis.com/google.protobuf.Timestamp), ${JSON.stringify(value)}`
    )
  }
  return instant
}

/** One entry of a write, completed from the request's defaults; throws the service's 400. */
export function normalizeEntry(
  raw: unknown,
  index: number,
  defaults: WriteDefaults,
  now: Instant,
  newInsertId: () => string
): StoredEntry {
  const at = `entries[${index}]`
  const fields = knownFields(raw, ENTRY_FIELDS, at)
  const logName =
    typeof fields.logName === 'string' && fields.logName ? fields.logName : defaults.logName
  if (!logName) {
    throw invalidArgument(
      `Log entry with index ${index} has no log name; set logName on the entry or on the request.`
    )
  }
  const resource =
    resourceOf(fields.resource, `${at}.resource`) ?? structuredClone(defaults.resource)
  if (!resource?.type) {
    throw invalidArgument(
      `Log entry with index ${index} has no monitored resource; set resource.type on the entry or on the request.`
    )
  }
  const payloads = (['textPayload', 'jsonPayload', 'protoPayload'] as const).filter(
    key => fields[key] !== undefined && fields[key] !== null
  )
  if (payloads.length > 1) {
    throw invalidJson(
      `Invalid value at '${at}': the payload oneof has more than one field: ${payloads.join(', ')}.`
    )
  }
  const timestamp = instantOf(fields.timestamp, `${at}.timestamp`) ?? now
  const received = instantOf(fields.receiveTimestamp, `${at}.receiveTimestamp`) ?? now
  const labels = { ...defaults.labels, ...labelsOf(fields.labels, `${at}.labels`) }
  const entry: LogEntry = {
    logName: normalizeLogName(logName, index),
    resource,
    timestamp: formatInstant(timestamp),
    receiveTimestamp: formatInstant(received),
    insertId:
      typeof fields.insertId === 'string' && fields.insertId !== ''
        ? fields.insertId
        : newInsertId()
  }
  const severity = severityOf(fields.severity, `${at}.severity`)
  if (severity && severity !== 'DEFAULT') entry.severity = severity
  if (Object.keys(labels).length > 0) entry.labels = labels
  const text = fields.textPayload
  if (text !== undefined && text !== null) {
    if (typeof text !== 'string')
      throw invalidJson(
        `Invalid value at '${at}.textPayload' (TYPE_STRING), ${JSON.stringify(text)}`
      )
    entry.textPayload = text
  }
  for (const key of ['jsonPayload', 'protoPayload', ...OBJECT_FIELDS] as const) {
    const value = fields[key]
    if (value === undefined || value === null) continue
    if (!isObject(value))
      throw invalidJson(`Invalid value at '${at}.${key}': expected a JSON object.`)
    entry[key] = value
  }
  if (entry.protoPayload && typeof entry.protoPayload['@type'] !== 'string') {
    throw invalidJson(`Invalid value at '${at}.protoPayload': an Any needs an "@type".`)
  }
  for (const key of STRING_FIELDS) {
    const value = fields[key]
    if (typeof value === 'string') entry[key] = value
    else if (value !== undefined && value !== null)
      throw invalidJson(`Invalid value at '${at}.${key}' (TYPE_STRING), ${JSON.stringify(value)}`)
  }
  if (typeof fields.traceSampled === 'boolean') entry.traceSampled = fields.traceSampled
  const size = Buffer.byteLength(JSON.stringify(entry))
  if (size > MAX_ENTRY_BYTES) {
    throw invalidArgument(
      `Log entry with size ${(size / 1024).toFixed(1)}K exceeds maximum size of 256.0K`
    )
  }
  return { entry, at: timestamp }
}

/** The entry's JSON with its fields in the service's order; severity as a number if asked. */
export function entryJson(entry: LogEntry, numericEnums: boolean): JsonObject {
  const out: JsonObject = {}
  for (const key of ENTRY_FIELDS) {
    const value = entry[key]
    if (value === undefined) continue
    out[key] = key === 'severity' && numericEnums ? SEVERITIES[value as Severity] : (value as Json)
  }
  return out
}
