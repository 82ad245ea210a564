import { badRequest } from './errors.js'
import { jsonReply, type Reply, type RequestContext } from './http.js'
import { objectResource } from './resource.js'
import type { Store } from './store.js'

const MAX_RESULTS = 1000

/** Where the previous page stopped: its last name, or its last prefix (which covers a subtree). */
interface Cursor {
  key: string
  isPrefix: boolean
}

/** Page tokens are opaque to clients, so the cursor simply travels inside one. */
const encodeToken = (cursor: Cursor): string =>
  Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url')

function decodeToken(token: string | null): Cursor | undefined {
  if (token === null || token === '') return undefined
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor
    if (typeof cursor.key === 'string') return cursor
  } catch {
    // reported below
  }
  throw badRequest('Invalid pageToken.')
}

const isPast = (name: string, cursor: Cursor | undefined): boolean =>
  cursor === undefined || (name > cursor.key && !(cursor.isPrefix && name.startsWith(cursor.key)))

function pageSize(value: string | null): number {
  if (value === null) return MAX_RESULTS
  const size = Number(value)
  if (!Number.isInteger(size) || size < 0) throw badRequest(`Invalid maxResults: ${value}`)
  return size === 0 ? MAX_RESULTS : Math.min(size, MAX_RESULTS)
}

/**
 * Objects in lexicographic order; with a delimiter, names that continue past it collapse into
 * one prefix each. Items and prefixes together fill a page, as on the service.
 */
export function listObjects(ctx: RequestContext, store: Store, bucket: string): Reply {
  const q = ctx.query
  const prefix = q.get('prefix') ?? ''
  const delimiter = q.get('delimiter') ?? ''
  const startOffset = q.get('startOffset') ?? ''
  const endOffset = q.get('endOffset') ?? ''
  const includeTrailing = q.get('includeTrailingDelimiter') === 'true'
  const limit = pageSize(q.get('maxResults'))
  const from = decodeToken(q.get('pageToken'))

  const items: Record<string, unknown>[] = []
  const prefixes: string[] = []
  let last: Cursor | undefined
  let nextPageToken: string | undefined
  for (const name of store.objectNames(bucket)) {
    if (!name.startsWith(prefix) || name < startOffset || !isPast(name, from)) continue
    if (endOffset !== '' && name >= endOffset) break
    const cut = delimiter === '' ? -1 : name.indexOf(delimiter, prefix.length)
    const folded = cut < 0 ? undefined : name.slice(0, cut + delimiter.length)
    if (folded !== undefined && last?.isPrefix && folded === last.key) continue
    if (items.length + prefixes.length === limit && last) {
      nextPageToken = encodeToken(last)
      break
    }
    if (folded !== undefined) prefixes.push(folded)
    if (folded === undefined || (includeTrailing && folded === name)) {
      items.push(objectResource(store.getObject(bucket, name), ctx.baseUrl))
    }
    last = folded === undefined ? { key: name, isPrefix: false } : { key: folded, isPrefix: true }
  }
  const body: Record<string, unknown> = { kind: 'storage#objects' }
  if (nextPageToken !== undefined) body.nextPageToken = nextPageToken
  if (prefixes.length > 0) body.prefixes = prefixes
  if (items.length > 0) body.items = items
  return jsonReply(200, body)
}
