import { badRequest } from './errors.js'
import { isRecord, jsonReply, readJsonBody, type Reply, type RequestContext } from './http.js'
import { bucketResource } from './resource.js'
import type { BucketMeta, Store } from './store.js'

/** The service's character rules; lengths under three are let through for short test names. */
const BUCKET_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,220}[a-z0-9])?$/

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback
}

function labelsOf(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]))
}

function requireProject(ctx: RequestContext): void {
  if (!ctx.query.get('project')) throw badRequest('Required parameter: project')
}

export async function insertBucket(ctx: RequestContext, store: Store): Promise<Reply> {
  requireProject(ctx)
  const body = await readJsonBody(ctx.req)
  if (!isRecord(body) || typeof body.name !== 'string' || body.name === '') {
    throw badRequest('Required: the bucket name.')
  }
  if (!BUCKET_NAME.test(body.name) || body.name.includes('..')) {
    throw badRequest(`Invalid bucket name: '${body.name}'`)
  }
  const now = new Date().toISOString()
  const bucket: BucketMeta = {
    name: body.name,
    location: stringOr(body.location, 'US').toUpperCase(),
    storageClass: stringOr(body.storageClass, 'STANDARD').toUpperCase(),
    labels: labelsOf(body.labels),
    metageneration: '1',
    timeCreated: now,
    updated: now
  }
  return jsonReply(200, bucketResource(store.createBucket(bucket), ctx.baseUrl))
}

export function getBucket(ctx: RequestContext, store: Store, name: string): Reply {
  return jsonReply(200, bucketResource(store.getBucket(name), ctx.baseUrl))
}

export function listBuckets(ctx: RequestContext, store: Store): Reply {
  requireProject(ctx)
  const prefix = ctx.query.get('prefix') ?? ''
  const items = store
    .listBuckets()
    .filter(bucket => bucket.name.startsWith(prefix))
    .map(bucket => bucketResource(bucket, ctx.baseUrl))
  return jsonReply(
    200,
    items.length > 0 ? { kind: 'storage#buckets', items } : { kind: 'storage#buckets' }
  )
}

export function deleteBucket(store: Store, name: string): Reply {
  store.deleteBucket(name)
  return { status: 204 }
}

/** gcloud asks for the layout before recursive operations, to learn about hierarchical namespaces. */
export function getStorageLayout(store: Store, name: string): Reply {
  const bucket = bucketResource(store.getBucket(name), '')
  return jsonReply(200, {
    kind: 'storage#storageLayout',
    bucket: name,
    location: bucket.location,
    locationType: bucket.locationType,
    hierarchicalNamespace: { enabled: false }
  })
}

/** Managed folders are not emulated; gcloud lists them before a recursive removal. */
export function listManagedFolders(store: Store, name: string): Reply {
  store.getBucket(name)
  return jsonReply(200, { kind: 'storage#managedFolders' })
}

/**
 * storage.buckets.testIamPermissions: which of the asked permissions the caller holds. The
 * emulator has no identities, so it holds every valid Cloud Storage permission; like the
 * service it answers 404 for a missing bucket and 400 for a name that is no permission.
 */
export function testPermissions(ctx: RequestContext, store: Store, name: string): Reply {
  store.getBucket(name)
  const asked = ctx.query.getAll('permissions')
  if (asked.length === 0) throw badRequest('Required parameter: permissions')
  const invalid = asked.find(permission => !/^storage\.[a-zA-Z]+\.[a-zA-Z]+$/.test(permission))
  if (invalid) throw badRequest(`Permission '${invalid}' is not valid for this resource.`)
  return jsonReply(200, { kind: 'storage#testIamPermissionsResponse', permissions: asked })
}
