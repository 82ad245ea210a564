import { batch, type SubRequestRunner } from './batch.js'
import * as buckets from './buckets.js'
import { composeObject } from './compose.js'
import { copyObject, moveObject } from './copy.js'
import { badRequest } from './errors.js'
import type { Reply, RequestContext } from './http.js'
import { listObjects } from './list.js'
import * as objects from './objects.js'
import { parsePreconditions } from './preconditions.js'
import { cancelResumable, putResumable, startResumable } from './resumable.js'
import { rewriteObject } from './rewrite.js'
import type { Sessions } from './sessions.js'
import type { Store } from './store.js'
import { mediaUpload, multipartUpload, requireUploadType } from './uploads.js'

/** A matched request: its fault-injection route name, and the work that answers it. */
export interface Route {
  name: string
  handle: (ctx: RequestContext) => Promise<Reply> | Reply
}

export interface Backend {
  store: Store
  sessions: Sessions
  /** Runs one call of a batch request as if it had come on its own. */
  batchCall: SubRequestRunner
}

type Api = 'json' | 'upload' | 'download'

type Target =
  | { kind: 'buckets' }
  | { kind: 'bucket'; bucket: string }
  | { kind: 'layout'; bucket: string }
  | { kind: 'testPermissions'; bucket: string }
  | { kind: 'managedFolders'; bucket: string }
  | { kind: 'objects'; bucket: string }
  | { kind: 'object'; bucket: string; name: string }
  | { kind: 'copy'; verb: 'copyTo' | 'rewriteTo'; bucket: string; name: string; to: Ref }
  | { kind: 'move'; bucket: string; name: string; toName: string }
  | { kind: 'compose'; bucket: string; name: string }

interface Ref {
  bucket: string
  name: string
}

const segment = (raw: string): string => {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw badRequest(`Invalid URL encoding: ${raw}`)
  }
}

/** gcloud starts resumable uploads under `/resumable/upload/`, which the service accepts too. */
const API_PREFIXES: [string, Api][] = [
  ['/storage/v1/b', 'json'],
  ['/upload/storage/v1/b', 'upload'],
  ['/resumable/upload/storage/v1/b', 'upload'],
  ['/download/storage/v1/b', 'download']
]

/**
 * Splits the raw path by hand: object names may hold encoded or even bare slashes and dots, which
 * URL normalisation would rewrite.
 */
function parsePath(method: string, path: string): { api: Api; target: Target } | undefined {
  const entry = API_PREFIXES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))
  if (!entry) return undefined
  const [prefix, api] = entry
  const rest = path.slice(prefix.length + 1)
  if (rest === '') return { api, target: { kind: 'buckets' } }
  const slash = rest.indexOf('/')
  const bucket = segment(slash < 0 ? rest : rest.slice(0, slash))
  const tail = slash < 0 ? '' : rest.slice(slash)
  if (tail === '' || tail === '/') return { api, target: { kind: 'bucket', bucket } }
  if (tail === '/storageLayout') return { api, target: { kind: 'layout', bucket } }
  if (tail === '/iam/testPermissions') return { api, target: { kind: 'testPermissions', bucket } }
  if (tail === '/managedFolders') return { api, target: { kind: 'managedFolders', bucket } }
  if (tail === '/o' || tail === '/o/') return { api, target: { kind: 'objects', bucket } }
  if (tail.startsWith('/o/')) {
    const rest = tail.slice(3)
    const action = method === 'POST' && api === 'json' ? actionTarget(bucket, rest) : undefined
    return { api, target: action ?? { kind: 'object', bucket, name: segment(rest) } }
  }
  return undefined
}

const COPY = /^(.+)\/(copyTo|rewriteTo)\/b\/([^/]+)\/o\/(.+)$/
const MOVE = /^(.+)\/moveTo\/o\/(.+)$/
const COMPOSE = /^(.+)\/compose$/

/**
 * An action on an object (only ever a POST). Clients encode the slashes in object names, so a
 * bare slash followed by an action's name is the action.
 */
function actionTarget(bucket: string, rest: string): Target | undefined {
  const copy = COPY.exec(rest)
  if (copy) {
    const [, name = '', verb, toBucket = '', toName = ''] = copy
    const to = { bucket: segment(toBucket), name: segment(toName) }
    const action = verb === 'copyTo' ? 'copyTo' : 'rewriteTo'
    return { kind: 'copy', verb: action, bucket, name: segment(name), to }
  }
  const move = MOVE.exec(rest)
  if (move) {
    const [, name = '', toName = ''] = move
    return { kind: 'move', bucket, name: segment(name), toName: segment(toName) }
  }
  const compose = COMPOSE.exec(rest)
  return compose ? { kind: 'compose', bucket, name: segment(compose[1] ?? '') } : undefined
}

const route = (name: string, handle: Route['handle']): Route => ({ name, handle })

function uploadRoute(method: string, bucket: string, backend: Backend, query: URLSearchParams) {
  const { store, sessions } = backend
  const uploadId = query.get('upload_id')
  if (uploadId !== null) {
    if (method === 'PUT' || method === 'POST') {
      return route('gcs.upload', ctx => putResumable(ctx, store, sessions, uploadId))
    }
    return method === 'DELETE'
      ? route('gcs.upload', () => cancelResumable(sessions, uploadId))
      : undefined
  }
  if (method !== 'POST') return undefined
  return route('gcs.upload', ctx => {
    const preconditions = parsePreconditions(ctx.query)
    switch (requireUploadType(ctx.query.get('uploadType'))) {
      case 'media':
        return mediaUpload(ctx, store, bucket, preconditions)
      case 'multipart':
        return multipartUpload(ctx, store, bucket, preconditions)
      case 'resumable':
        return startResumable(ctx, store, sessions, bucket, preconditions)
    }
  })
}

function objectRoute(method: string, api: Api, bucket: string, name: string, store: Store) {
  if (method === 'GET' || method === 'HEAD') {
    return route('gcs.get', ctx => {
      const preconditions = parsePreconditions(ctx.query)
      return api === 'download' || ctx.query.get('alt') === 'media'
        ? objects.downloadObject(ctx, store, bucket, name, preconditions)
        : objects.getObjectMetadata(ctx, store, bucket, name, preconditions)
    })
  }
  if (api === 'download') return undefined
  if (method === 'DELETE') {
    return route('gcs.delete', ctx =>
      objects.deleteObject(ctx, store, bucket, name, parsePreconditions(ctx.query))
    )
  }
  if (method === 'PATCH' || method === 'PUT') {
    return route('gcs.patch', ctx =>
      objects.patchObject(ctx, store, bucket, name, parsePreconditions(ctx.query))
    )
  }
  return undefined
}

function jsonRoute(method: string, target: Target, store: Store): Route | undefined {
  const read = method === 'GET' || method === 'HEAD'
  switch (target.kind) {
    case 'buckets':
      if (read) return route('gcs.bucket', ctx => buckets.listBuckets(ctx, store))
      return method === 'POST'
        ? route('gcs.bucket', ctx => buckets.insertBucket(ctx, store))
        : undefined
    case 'bucket':
      if (read) return route('gcs.bucket', ctx => buckets.getBucket(ctx, store, target.bucket))
      return method === 'DELETE'
        ? route('gcs.bucket', () => buckets.deleteBucket(store, target.bucket))
        : undefined
    case 'layout':
      return read
        ? route('gcs.bucket', () => buckets.getStorageLayout(store, target.bucket))
        : undefined
    case 'testPermissions':
      return read
        ? route('gcs.iam', ctx => buckets.testPermissions(ctx, store, target.bucket))
        : undefined
    case 'managedFolders':
      return read
        ? route('gcs.list', () => buckets.listManagedFolders(store, target.bucket))
        : undefined
    case 'objects':
      return read ? route('gcs.list', ctx => listObjects(ctx, store, target.bucket)) : undefined
    case 'object':
      return objectRoute(method, 'json', target.bucket, target.name, store)
    default:
      return method === 'POST' ? actionRoute(target, store) : undefined
  }
}

/** The POST-only actions on objects: copy, rewrite, move and compose. */
function actionRoute(
  target: Extract<Target, { kind: 'copy' | 'move' | 'compose' }>,
  store: Store
): Route {
  const { bucket, name } = target
  switch (target.kind) {
    case 'copy':
      return target.verb === 'copyTo'
        ? route('gcs.copy', ctx => copyObject(ctx, store, { bucket, name }, target.to))
        : route('gcs.rewrite', ctx => rewriteObject(ctx, store, { bucket, name }, target.to))
    case 'move':
      return route('gcs.move', ctx => moveObject(ctx, store, bucket, name, target.toName))
    case 'compose':
      return route('gcs.compose', ctx => composeObject(ctx, store, bucket, name))
  }
}

export function matchRoute(
  method: string,
  path: string,
  query: URLSearchParams,
  backend: Backend
): Route | undefined {
  if (path === '/batch/storage/v1') {
    return method === 'POST' ? route('gcs.batch', ctx => batch(ctx, backend.batchCall)) : undefined
  }
  const parsed = parsePath(method, path)
  if (!parsed) return undefined
  const { api, target } = parsed
  if (api === 'upload') {
    return target.kind === 'objects'
      ? uploadRoute(method, target.bucket, backend, query)
      : undefined
  }
  if (api === 'download') {
    return target.kind === 'object'
      ? objectRoute(method, api, target.bucket, target.name, backend.store)
      : undefined
  }
  return jsonRoute(method, target, backend.store)
}
