import {
  ENTRY_FIELDS,
  isObject,
  SEVERITIES,
  type Json,
  type LogEntry,
  type Severity
} from './entry.js'
import { compareInstants, parseInstant } from './time.js'

/**
 * What a comparison means for each kind of field: timestamps compare as instants, severities by
 * level, numbers as numbers when both sides are numbers, text without regard to case (`:` is a
 * substring test, `:*` a presence test). A path that reaches no value makes a comparison false,
 * so `!=`, being `NOT =`, is true for it. Paths go through arrays: any element may match.
 */

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':' | '=~' | '!~'
export type Predicate = (entry: LogEntry) => boolean

const ROOTS = new Set<string>([
  ...ENTRY_FIELDS,
  'errorGroups',
  'apphub',
  'apphubSource',
  'apphubDestination'
])
const MAP_FIELDS = new Set(['labels', 'resource.labels'])
const TIME_FIELDS = new Set(['timestamp', 'receiveTimestamp'])

/** The values a path reaches; map keys may contain dots, so `labels.a.b` is the key `a.b`. */
function resolve(entry: LogEntry, path: string[]): Json[] {
  const [root = '', ...rest] = path
  let nodes: Json[] = [entry[root as keyof LogEntry] as Json].filter(n => n !== undefined)
  for (let i = 0; i < rest.length; i += 1) {
    const mapped = MAP_FIELDS.has(path.slice(0, i + 1).join('.'))
    const key = mapped ? rest.slice(i).join('.') : (rest[i] ?? '')
    nodes = nodes
      .flatMap(node => (Array.isArray(node) ? node : [node]))
      .flatMap(node => (isObject(node) && node[key] !== undefined ? [node[key] as Json] : []))
    if (mapped) break
  }
  return nodes.flatMap(node => (Array.isArray(node) ? node : [node]))
}

function leaves(node: Json): Json[] {
  if (Array.isArray(node)) return node.flatMap(leaves)
  if (isObject(node)) return Object.values(node).flatMap(leaves)
  return [node]
}

const isScalar = (value: Json): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

const asNumber = (text: string): number | undefined =>
  /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : undefined

const has = (value: Json, text: string): boolean =>
  isScalar(value) && String(value).toLowerCase().includes(text.toLowerCase())

/** -1, 0 or 1 comparing a field's value with the filter's; numbers as numbers when both are. */
function order(value: string | number | boolean, text: string): number {
  const number = asNumber(text)
  if (typeof value === 'number' && number !== undefined) return Math.sign(value - number)
  const a = String(value).toLowerCase()
  const b = text.toLowerCase()
  return a < b ? -1 : a > b ? 1 : 0
}

function holds(op: Op, sign: number): boolean {
  switch (op) {
    case '<':
      return sign < 0
    case '<=':
      return sign <= 0
    case '>':
      return sign > 0
    case '>=':
      return sign >= 0
    default:
      return sign === 0
  }
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern)
  } catch {
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}`)
  }
}

function severityLevel(text: string): number {
  const number = asNumber(text)
  if (number !== undefined) return number
  const name = text.toUpperCase()
  if (name in SEVERITIES) return SEVERITIES[name as Severity]
  throw new Error(`invalid severity ${JSON.stringify(text)}`)
}

/** Compares one value-producing function with the filter's text, for every operator. */
function compareWith(
  values: (entry: LogEntry) => Json[],
  op: Op,
  text: string,
  quoted: boolean
): Predicate {
  if (op === ':' && text === '*' && !quoted) return entry => values(entry).some(v => v !== null)
  if (op === ':') return entry => values(entry).some(v => leaves(v).some(leaf => has(leaf, text)))
  if (op === '=~' || op === '!~') {
    const pattern = regex(text)
    const matches: Predicate = entry =>
      values(entry).some(v => isScalar(v) && pattern.test(String(v)))
    return op === '=~' ? matches : entry => !matches(entry)
  }
  const test = (op === '!=' ? '=' : op) as Op
  const matches: Predicate = entry =>
    values(entry).some(v => isScalar(v) && holds(test, order(v, text)))
  return op === '!=' ? entry => !matches(entry) : matches
}

export function comparison(path: string[], op: Op, text: string, quoted: boolean): Predicate {
  const [root = ''] = path
  if (!ROOTS.has(root)) throw new Error(`unrecognized field ${JSON.stringify(path.join('.'))}`)
  const field = path.join('.')
  if (TIME_FIELDS.has(field) && op !== ':' && op !== '=~' && op !== '!~') {
    const bound = parseInstant(text)
    if (!bound) throw new Error(`invalid timestamp ${JSON.stringify(text)} for ${field}`)
    const test = (op === '!=' ? '=' : op) as Op
    const matches: Predicate = entry => {
      const at = parseInstant(entry[field as 'timestamp'])
      return at !== undefined && holds(test, Math.sign(compareInstants(at, bound)))
    }
    return op === '!=' ? entry => !matches(entry) : matches
  }
  if (field === 'severity') {
    const name = (entry: LogEntry): Json[] => [entry.severity ?? 'DEFAULT']
    if (op === ':' || op === '=~' || op === '!~') return compareWith(name, op, text, quoted)
    const level = severityLevel(text)
    const test = (op === '!=' ? '=' : op) as Op
    const matches: Predicate = entry =>
      holds(test, Math.sign(SEVERITIES[entry.severity ?? 'DEFAULT'] - level))
    return op === '!=' ? entry => !matches(entry) : matches
  }
  return compareWith(entry => resolve(entry, path), op, text, quoted)
}

/** A bare value: some field of the entry has it. */
export const globalRestriction =
  (text: string): Predicate =>
  entry =>
    leaves(entry as unknown as Json).some(leaf => has(leaf, text))

/** log_id("a/b") selects the log whose name ends in /logs/a%2Fb, in any project. */
export const logIdFunction =
  (id: string): Predicate =>
  entry =>
    entry.logName.endsWith(`/logs/${encodeURIComponent(id)}`)
