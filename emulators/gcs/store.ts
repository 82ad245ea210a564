import { createHash, randomBytes } from 'node:crypto'
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Blob } from './blob.js'
import { bucketNotFound, GcsError, objectNotFound } from './errors.js'
import { mergeMetadata } from './fields.js'

/** The fields a client may set on an object, at upload time or with PATCH. */
export interface ObjectFields {
  contentType?: string
  contentEncoding?: string
  contentDisposition?: string
  contentLanguage?: string
  cacheControl?: string
  customTime?: string
  metadata?: Record<string, string>
}

/** A PATCH: custom metadata keys merge, a null key removes it, a null map removes them all. */
export interface ObjectPatch extends Omit<ObjectFields, 'metadata'> {
  metadata?: Record<string, string | null> | null
}

export interface ObjectMeta extends ObjectFields {
  bucket: string
  name: string
  generation: string
  metageneration: string
  contentType: string
  size: number
  /** Absent on composite objects, as on the service. */
  md5Hash?: string
  crc32c: string
  /** Set on composite objects only: how many simple objects they are made of. */
  componentCount?: number
  storageClass: string
  timeCreated: string
  updated: string
}

/** A finished body to commit: a fresh blob, or the result of a compose. */
export interface NewBody extends Omit<Blob, 'md5Hash'> {
  md5Hash?: string
  componentCount?: number
}

export interface BucketMeta {
  name: string
  location: string
  storageClass: string
  labels?: Record<string, string>
  metageneration: string
  timeCreated: string
  updated: string
}

/** Throws when a precondition does not hold for the current object (undefined: none exists). */
export type ObjectCheck = (current: ObjectMeta | undefined) => void

const fileKey = (name: string): string => createHash('sha256').update(name).digest('hex')

/** Writes whole or not at all, so a crash mid-write never leaves a torn sidecar behind. */
function writeJsonAtomic(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value))
  renameSync(`${path}.tmp`, path)
}

const readJsonFiles = <T>(dir: string): T[] =>
  readdirSync(dir)
    .filter(file => file.endsWith('.json'))
    .map(file => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T)

/**
 * Buckets and objects on disk under `dataDir`. Object bodies are immutable files named by their
 * generation; metadata lives in JSON sidecars mirrored in memory. Every change is committed
 * synchronously within one turn of the event loop, which is what makes concurrent uploads safe:
 * the precondition check and the switch to the new generation cannot interleave with another.
 */
export class Store {
  readonly tmpDir: string
  readonly sessionDir: string
  private readonly blobDir: string
  private readonly bucketDir: string
  private readonly buckets = new Map<string, BucketMeta>()
  private readonly objects = new Map<string, Map<string, ObjectMeta>>()
  private readonly sortedNames = new Map<string, string[]>()
  private lastGeneration = 0

  constructor(dataDir: string) {
    this.tmpDir = join(dataDir, 'tmp')
    this.sessionDir = join(dataDir, 'sessions')
    this.blobDir = join(dataDir, 'blobs')
    this.bucketDir = join(dataDir, 'buckets')
    for (const dir of [this.tmpDir, this.sessionDir, this.blobDir, this.bucketDir]) {
      mkdirSync(dir, { recursive: true })
    }
    this.load()
  }

  private load(): void {
    for (const entry of readdirSync(this.bucketDir)) {
      const bucket = JSON.parse(
        readFileSync(join(this.bucketDir, entry, 'bucket.json'), 'utf8')
      ) as BucketMeta
      this.buckets.set(bucket.name, bucket)
      const objects = new Map<string, ObjectMeta>()
      for (const meta of readJsonFiles<ObjectMeta>(join(this.bucketDir, entry, 'objects'))) {
        objects.set(meta.name, meta)
        this.lastGeneration = Math.max(this.lastGeneration, Number(meta.generation))
      }
      this.objects.set(bucket.name, objects)
    }
  }

  /** Microseconds since the epoch like the real service, but strictly increasing. */
  nextGeneration(): string {
    this.lastGeneration = Math.max(this.lastGeneration + 1, Date.now() * 1000)
    return String(this.lastGeneration)
  }

  createBucket(bucket: BucketMeta): BucketMeta {
    if (this.buckets.has(bucket.name)) {
      throw new GcsError(
        409,
        'conflict',
        'Your previous request to create the named bucket succeeded and you already own it.'
      )
    }
    mkdirSync(join(this.bucketDir, bucket.name, 'objects'), { recursive: true })
    writeJsonAtomic(join(this.bucketDir, bucket.name, 'bucket.json'), bucket)
    this.buckets.set(bucket.name, bucket)
    this.objects.set(bucket.name, new Map())
    return bucket
  }

  getBucket(name: string): BucketMeta {
    const bucket = this.buckets.get(name)
    if (!bucket) throw bucketNotFound()
    return bucket
  }

  listBuckets(): BucketMeta[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  }

  deleteBucket(name: string): void {
    this.getBucket(name)
    if ((this.objects.get(name)?.size ?? 0) > 0) {
      throw new GcsError(409, 'conflict', 'The bucket you tried to delete is not empty.')
    }
    rmSync(join(this.bucketDir, name), { recursive: true, force: true })
    this.buckets.delete(name)
    this.objects.delete(name)
    this.sortedNames.delete(name)
  }

  private bucketObjects(bucket: string): Map<string, ObjectMeta> {
    const objects = this.objects.get(bucket)
    if (!objects) throw bucketNotFound()
    return objects
  }

  /** The object, or undefined; throws only when the bucket itself is missing. */
  findObject(bucket: string, name: string): ObjectMeta | undefined {
    return this.bucketObjects(bucket).get(name)
  }

  getObject(bucket: string, name: string): ObjectMeta {
    const meta = this.findObject(bucket, name)
    if (!meta) throw objectNotFound(bucket, name)
    return meta
  }

  /** Names in the listing order of the service (lexicographic). */
  objectNames(bucket: string): string[] {
    const objects = this.bucketObjects(bucket)
    let names = this.sortedNames.get(bucket)
    if (!names) {
      names = [...objects.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      this.sortedNames.set(bucket, names)
    }
    return names
  }

  /** Moves a finished blob into place as the object's new generation, if `check` allows. */
  commitObject(
    bucket: string,
    name: string,
    blob: NewBody,
    fields: ObjectFields,
    check: ObjectCheck
  ): ObjectMeta {
    const objects = this.bucketObjects(bucket)
    const previous = objects.get(name)
    check(previous)
    const generation = this.nextGeneration()
    const now = new Date().toISOString()
    const meta: ObjectMeta = {
      ...fields,
      bucket,
      name,
      generation,
      metageneration: '1',
      contentType: fields.contentType ?? 'application/octet-stream',
      size: blob.size,
      md5Hash: blob.md5Hash,
      crc32c: blob.crc32c,
      componentCount: blob.componentCount,
      storageClass: this.getBucket(bucket).storageClass,
      timeCreated: now,
      updated: now
    }
    renameSync(blob.path, this.blobPath(meta))
    this.saveObject(meta)
    if (previous) this.discardBlob(previous)
    else this.sortedNames.delete(bucket)
    return meta
  }

  patchObject(bucket: string, name: string, patch: ObjectPatch, check: ObjectCheck): ObjectMeta {
    const current = this.getObject(bucket, name)
    check(current)
    const { metadata, ...fields } = patch
    const meta: ObjectMeta = {
      ...current,
      ...fields,
      metadata: mergeMetadata(current.metadata, metadata),
      metageneration: String(Number(current.metageneration) + 1),
      updated: new Date().toISOString()
    }
    this.saveObject(meta)
    return meta
  }

  deleteObject(bucket: string, name: string, check: ObjectCheck): void {
    const current = this.getObject(bucket, name)
    check(current)
    this.bucketObjects(bucket).delete(name)
    this.sortedNames.delete(bucket)
    rmSync(this.sidecarPath(bucket, name), { force: true })
    this.discardBlob(current)
  }

  /**
   * A second name for a stored body, as a temporary file that `commitObject` can move into place.
   * Synchronous, so that a copy takes exactly the generation it looked up in the same turn; a
   * hard link costs nothing, and a file system without them gets a plain copy.
   */
  linkBody(meta: ObjectMeta): NewBody {
    const path = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`)
    try {
      linkSync(this.blobPath(meta), path)
    } catch {
      copyFileSync(this.blobPath(meta), path)
    }
    const { size, md5Hash, crc32c, componentCount } = meta
    return { path, size, md5Hash, crc32c, componentCount }
  }

  /**
   * Opens the body of the object's current generation. A concurrent overwrite may remove that
   * file between the lookup and the open; the lookup is then repeated for the new generation.
   */
  async openBlob(
    bucket: string,
    name: string,
    check: ObjectCheck
  ): Promise<{ meta: ObjectMeta; handle: FileHandle }> {
    for (let attempt = 0; ; attempt++) {
      const meta = this.getObject(bucket, name)
      check(meta)
      try {
        return { meta, handle: await open(this.blobPath(meta), 'r') }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error
      }
    }
  }

  private blobPath(meta: ObjectMeta): string {
    return join(this.blobDir, meta.generation)
  }

  private sidecarPath(bucket: string, name: string): string {
    return join(this.bucketDir, bucket, 'objects', `${fileKey(name)}.json`)
  }

  private saveObject(meta: ObjectMeta): void {
    writeJsonAtomic(this.sidecarPath(meta.bucket, meta.name), meta)
    this.bucketObjects(meta.bucket).set(meta.name, meta)
  }

  private discardBlob(meta: ObjectMeta): void {
    void rm(this.blobPath(meta), { force: true })
  }
}
