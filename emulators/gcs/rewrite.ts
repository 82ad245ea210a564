import { badRequest } from './errors.js'
import { jsonReply, type Reply, type RequestContext } from './http.js'
import { checkedSource, commitCopy, readOverride, type ObjectRef } from './copy.js'
import { parseGeneration, parsePreconditions, writeCheck } from './preconditions.js'
import { objectResource } from './resource.js'
import type { Store } from './store.js'

/** The service takes `maxBytesRewrittenPerCall` only in whole MiB. */
const REWRITE_UNIT = 1024 * 1024

/**
 * Progress of a rewrite that spans several calls. Tokens are opaque to clients, so the state
 * travels inside one: which copy it belongs to, the source generation it pins, the bytes done.
 */
interface RewriteState {
  source: ObjectRef
  destination: ObjectRef
  generation: string
  rewritten: number
}

const sameRef = (a: ObjectRef, b: ObjectRef): boolean => a.bucket === b.bucket && a.name === b.name

const encodeToken = (state: RewriteState): string =>
  Buffer.from(JSON.stringify(state), 'utf8').toString('base64url')

function decodeToken(
  token: string | null,
  source: ObjectRef,
  destination: ObjectRef
): RewriteState | undefined {
  if (token === null || token === '') return undefined
  let state: RewriteState | undefined
  try {
    state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as RewriteState
  } catch {
    // reported below
  }
  const valid =
    state !== undefined &&
    typeof state.generation === 'string' &&
    Number.isSafeInteger(state.rewritten) &&
    isRef(state.source) &&
    isRef(state.destination) &&
    sameRef(state.source, source) &&
    sameRef(state.destination, destination)
  if (!valid) throw badRequest('Invalid rewriteToken: it does not belong to this rewrite.')
  return state
}

const isRef = (value: unknown): value is ObjectRef =>
  typeof (value as ObjectRef | undefined)?.bucket === 'string' &&
  typeof (value as ObjectRef | undefined)?.name === 'string'

function perCall(value: string | null): number | undefined {
  if (value === null || value === '') return undefined
  const bytes = Number(value)
  if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes % REWRITE_UNIT !== 0) {
    throw badRequest(`maxBytesRewrittenPerCall must be a positive multiple of ${REWRITE_UNIT}.`)
  }
  return bytes
}

/**
 * `POST b/{bucket}/o/{object}/rewriteTo/b/{bucket}/o/{object}`. Within one emulator every
 * rewrite could finish at once, as the service's same-location rewrites do; a client that asks
 * for `maxBytesRewrittenPerCall` below the object's size gets the multi-call protocol instead
 * (`done: false` and a `rewriteToken` until the last call), which is what that parameter is for.
 */
export async function rewriteObject(
  ctx: RequestContext,
  store: Store,
  source: ObjectRef,
  destination: ObjectRef
): Promise<Reply> {
  const override = await readOverride(ctx)
  const limit = perCall(ctx.query.get('maxBytesRewrittenPerCall'))
  const state = decodeToken(ctx.query.get('rewriteToken'), source, destination)
  const pinned = state?.generation ?? parseGeneration(ctx.query, 'sourceGeneration')
  const meta = checkedSource(store, source, ctx.query, pinned)
  const done = state?.rewritten ?? 0
  const body = { kind: 'storage#rewriteResponse', objectSize: String(meta.size) }
  if (limit !== undefined && meta.size - done > limit) {
    // fail early, as the service does, when the destination could never be written
    writeCheck(parsePreconditions(ctx.query))(
      store.findObject(destination.bucket, destination.name)
    )
    const next: RewriteState = {
      source,
      destination,
      generation: meta.generation,
      rewritten: done + limit
    }
    return jsonReply(200, {
      ...body,
      totalBytesRewritten: String(next.rewritten),
      done: false,
      rewriteToken: encodeToken(next)
    })
  }
  const written = commitCopy(store, meta, destination, ctx.query, override)
  return jsonReply(200, {
    ...body,
    totalBytesRewritten: String(meta.size),
    done: true,
    resource: objectResource(written, ctx.baseUrl)
  })
}
