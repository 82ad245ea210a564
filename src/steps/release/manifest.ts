import type { Storage } from '@google-cloud/storage'
import type { Checksums } from '../../lib/checksum.js'
import { parseGcsUri } from '../../lib/gcs-uri.js'
import { ImmutableObjectError, remoteObject } from '../code/upload.js'
import { errorCode } from '../../lib/errors.js'

/** `release.json`: what a prepared release is, read by every later trigger of it. */
export interface ReleaseManifest {
  version: string
  commit: string
  /** The image pinned by digest: a trigger runs exactly this. */
  image: string
  imageDigest?: string
  createdAt: string
  actionVersion: string
  code: { uri: string; crc32c: string; bytes: number }
  entrypoint: { uri: string; crc32c: string }
}

export interface StoredManifest {
  manifest: ReleaseManifest
  generation: string
}

export async function readManifest(
  storage: Storage,
  uri: string
): Promise<StoredManifest | undefined> {
  const remote = await remoteObject(storage, uri)
  if (!remote) return undefined
  const { bucket, name } = parseGcsUri(uri)
  // Read the generation we looked at, so a replacement in between cannot be mixed up with it.
  const [bytes] = await storage
    .bucket(bucket)
    .file(name, { generation: remote.generation })
    .download()
  return {
    manifest: JSON.parse(bytes.toString('utf8')) as ReleaseManifest,
    generation: remote.generation
  }
}

/** Same code and entrypoint bytes: preparing again is a no-op, not a conflict. */
export function sameContent(
  manifest: ReleaseManifest,
  code: Pick<Checksums, 'crc32c'>,
  entrypoint: Pick<Checksums, 'crc32c'>
): boolean {
  return manifest.code.crc32c === code.crc32c && manifest.entrypoint.crc32c === entrypoint.crc32c
}

export function releaseConflict(manifest: ReleaseManifest): ImmutableObjectError {
  return new ImmutableObjectError(
    `release ${manifest.version} was already prepared from other code (commit ${manifest.commit || 'unknown'}, ${manifest.createdAt}), and a release is immutable: cut a new version, or set force: true to replace it`
  )
}

/**
 * What differs between the release's objects and its manifest, or undefined when they agree. They
 * differ only when prepares of one version with other content ran at once: the objects have no
 * lock, only the manifest has a precondition.
 */
export async function objectsDiffer(
  storage: Storage,
  manifest: ReleaseManifest
): Promise<string | undefined> {
  const [code, entrypoint] = await Promise.all([
    remoteObject(storage, manifest.code.uri),
    remoteObject(storage, manifest.entrypoint.uri)
  ])
  if (code?.crc32c !== manifest.code.crc32c) return `${manifest.code.uri} is not the code it names`
  if (entrypoint?.crc32c !== manifest.entrypoint.crc32c)
    return `${manifest.entrypoint.uri} is not the entrypoint it names`
  return undefined
}

/** Takes back a manifest whose objects were replaced: without it, the version can be prepared again. */
async function withdraw(
  storage: Storage,
  uri: string,
  generation: string,
  why: string
): Promise<ImmutableObjectError> {
  const { bucket, name } = parseGcsUri(uri)
  await storage.bucket(bucket).file(name).delete({ ifGenerationMatch: generation })
  return new ImmutableObjectError(
    `${why}: another prepare of this version with other content ran at the same time and replaced it; ${uri} was withdrawn, so nothing is released: prepare it again`
  )
}

/**
 * Writes the manifest last, with a generation precondition: of two prepares racing for one
 * version, exactly one writes it; the other finds it and compares. Either one that finds the
 * objects no longer match the manifest withdraws it, so no trigger runs mixed content.
 */
export async function writeManifest(
  storage: Storage,
  uri: string,
  manifest: ReleaseManifest,
  replacesGeneration: string | undefined
): Promise<void> {
  const { bucket, name } = parseGcsUri(uri)
  const file = storage.bucket(bucket).file(name)
  try {
    await file.save(`${JSON.stringify(manifest, null, 2)}\n`, {
      resumable: false,
      validation: 'crc32c',
      contentType: 'application/json',
      preconditionOpts: { ifGenerationMatch: replacesGeneration ?? 0 }
    })
  } catch (error) {
    if (errorCode(error) !== 412) throw error
    // A retried write whose first try went through finds its own manifest: that is success.
    const now = await readManifest(storage, uri)
    if (!now) throw error
    const differ = await objectsDiffer(storage, now.manifest)
    if (differ) throw await withdraw(storage, uri, now.generation, differ)
    if (sameContent(now.manifest, manifest.code, manifest.entrypoint)) return
    throw new ImmutableObjectError(
      `${uri} was written by another run of release ${manifest.version} at the same time, with other content; run again`
    )
  }
  const differ = await objectsDiffer(storage, manifest)
  if (differ) throw await withdraw(storage, uri, String(file.metadata.generation), differ)
}
