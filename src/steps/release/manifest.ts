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
 * Writes the manifest last, with a generation precondition: of two prepares racing for one
 * version, exactly one writes it; the other finds it and compares.
 */
export async function writeManifest(
  storage: Storage,
  uri: string,
  manifest: ReleaseManifest,
  replacesGeneration: string | undefined
): Promise<void> {
  const { bucket, name } = parseGcsUri(uri)
  try {
    await storage
      .bucket(bucket)
      .file(name)
      .save(`${JSON.stringify(manifest, null, 2)}\n`, {
        resumable: false,
        validation: 'crc32c',
        contentType: 'application/json',
        preconditionOpts: { ifGenerationMatch: replacesGeneration ?? 0 }
      })
  } catch (error) {
    if (errorCode(error) !== 412) throw error
    // A retried write whose first try went through finds its own manifest: that is success.
    const now = await readManifest(storage, uri)
    if (now && sameContent(now.manifest, manifest.code, manifest.entrypoint)) return
    throw new ImmutableObjectError(
      `${uri} was written by another run of release ${manifest.version} at the same time, with other content; run again to compare with it`
    )
  }
}
