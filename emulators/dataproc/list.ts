import { invalidArgument } from './errors.js'
import { timestampMs, type Batch } from './types.js'

/**
 * ListBatches' filter, order_by and paging. The filter is the service's small subset of AIP-160:
 * comparisons on `state`, `create_time` and `labels.KEY`, joined with AND.
 */

const TERM =
  /^\s*(state|create_time|batch_id|labels\.[a-z0-9_-]+)\s*(=|!=|<=|>=|<|>)\s*("[^"]*"|\S+)\s*$/i

export function matchesFilter(batch: Batch, filter: string): boolean {
  if (!filter.trim()) return true
  return filter.split(/\s+AND\s+/i).every(term => {
    const match = TERM.exec(term)
    if (!match?.[1] || !match[2] || !match[3]) throw invalidArgument(`Invalid filter: '${filter}'.`)
    const field = match[1].toLowerCase()
    const operator = match[2]
    const value = match[3].replace(/^"|"$/g, '')
    if (field === 'create_time') {
      const wanted = Date.parse(value)
      if (Number.isNaN(wanted)) throw invalidArgument(`Invalid timestamp in filter: '${value}'.`)
      return compare(timestampMs(batch.createTime) - wanted, operator)
    }
    const actual =
      field === 'state'
        ? (batch.state ?? '')
        : field === 'batch_id'
          ? (batch.name ?? '').split('/').pop()
          : batch.labels?.[field.slice('labels.'.length)]
    return compare((actual ?? '').localeCompare(value), operator)
  })
}

function compare(difference: number, operator: string): boolean {
  switch (operator) {
    case '=':
      return difference === 0
    case '!=':
      return difference !== 0
    case '<':
      return difference < 0
    case '<=':
      return difference <= 0
    case '>':
      return difference > 0
    default:
      return difference >= 0
  }
}

/** Orders by `create_time` (newest first unless `create_time asc`), the only key the service sorts by. */
export function sortBatches(batches: Batch[], orderBy: string): Batch[] {
  const spec = orderBy.trim().toLowerCase()
  if (spec && !/^create_time(\s+(asc|desc))?$/.test(spec))
    throw invalidArgument(`Invalid order_by: '${orderBy}'.`)
  const direction = spec === 'create_time' || spec.endsWith('asc') ? 1 : -1
  return [...batches].sort(
    (a, b) => direction * (timestampMs(a.createTime) - timestampMs(b.createTime))
  )
}

/** Offset-based page tokens: opaque to clients, stable enough for an emulator's short lists. */
export function listPage<T>(
  items: T[],
  request: { pageSize?: number; pageToken?: string },
  defaultPageSize: number
): { items: T[]; nextPageToken: string } {
  const offset = request.pageToken
    ? Number(Buffer.from(request.pageToken, 'base64url').toString('utf8'))
    : 0
  if (!Number.isInteger(offset) || offset < 0)
    throw invalidArgument(`Invalid page token: '${request.pageToken}'.`)
  const size =
    request.pageSize && request.pageSize > 0 ? Math.min(request.pageSize, 1000) : defaultPageSize
  const next = offset + size
  return {
    items: items.slice(offset, next),
    nextPageToken: next < items.length ? Buffer.from(String(next)).toString('base64url') : ''
  }
}
