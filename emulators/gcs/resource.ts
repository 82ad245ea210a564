import type { BucketMeta, ObjectMeta } from './store.js'

/** A stand-in project number: the real service reports the owning project's number. */
const PROJECT_NUMBER = '123456789012'

const varint = (value: bigint): number[] => {
  const bytes: number[] = []
  let rest = value
  do {
    let byte = Number(rest & 0x7fn)
    rest >>= 7n
    if (rest > 0n) byte |= 0x80
    bytes.push(byte)
  } while (rest > 0n)
  return bytes
}

/** The service's etag: a tiny protobuf of generation (field 1) and metageneration (field 2). */
export const etagOf = (generation: string, metageneration: string): string =>
  Buffer.from([
    0x08,
    ...varint(BigInt(generation)),
    0x10,
    ...varint(BigInt(metageneration))
  ]).toString('base64')

const encode = encodeURIComponent

export function objectResource(meta: ObjectMeta, baseUrl: string): Record<string, unknown> {
  const path = `b/${encode(meta.bucket)}/o/${encode(meta.name)}`
  return {
    kind: 'storage#object',
    id: `${meta.bucket}/${meta.name}/${meta.generation}`,
    selfLink: `${baseUrl}/storage/v1/${path}`,
    mediaLink: `${baseUrl}/download/storage/v1/${path}?generation=${meta.generation}&alt=media`,
    name: meta.name,
    bucket: meta.bucket,
    generation: meta.generation,
    metageneration: meta.metageneration,
    contentType: meta.contentType,
    contentEncoding: meta.contentEncoding,
    contentDisposition: meta.contentDisposition,
    contentLanguage: meta.contentLanguage,
    cacheControl: meta.cacheControl,
    customTime: meta.customTime,
    storageClass: meta.storageClass,
    size: String(meta.size),
    md5Hash: meta.md5Hash,
    crc32c: meta.crc32c,
    componentCount: meta.componentCount,
    etag: etagOf(meta.generation, meta.metageneration),
    timeCreated: meta.timeCreated,
    updated: meta.updated,
    timeStorageClassUpdated: meta.timeCreated,
    timeFinalized: meta.timeCreated,
    metadata: meta.metadata
  }
}

export function bucketResource(meta: BucketMeta, baseUrl: string): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    selfLink: `${baseUrl}/storage/v1/b/${encode(meta.name)}`,
    id: meta.name,
    name: meta.name,
    projectNumber: PROJECT_NUMBER,
    metageneration: meta.metageneration,
    location: meta.location,
    storageClass: meta.storageClass,
    etag: Buffer.from([0x08, ...varint(BigInt(meta.metageneration))]).toString('base64'),
    timeCreated: meta.timeCreated,
    updated: meta.updated,
    labels: meta.labels,
    locationType: meta.location.includes('-') ? 'region' : 'multi-region',
    rpo: 'DEFAULT',
    iamConfiguration: {
      bucketPolicyOnly: { enabled: true },
      uniformBucketLevelAccess: { enabled: true },
      publicAccessPrevention: 'inherited'
    },
    softDeletePolicy: { retentionDurationSeconds: '0' }
  }
}
