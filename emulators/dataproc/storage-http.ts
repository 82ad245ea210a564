import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

/**
 * The few Cloud Storage JSON API calls the emulator makes against the project's GCS emulator:
 * plain fetch, no credentials, loopback only.
 */

export interface GcsLocation {
  bucket: string
  name: string
}

export function parseGsUri(uri: string): GcsLocation {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri)
  if (!match?.[1] || !match[2]) throw new Error(`Invalid Cloud Storage URI '${uri}'.`)
  return { bucket: match[1], name: match[2] }
}

export class StorageClient {
  constructor(private readonly baseUrl: string) {}

  private objectUrl(location: GcsLocation): string {
    return `${this.baseUrl}/storage/v1/b/${encodeURIComponent(location.bucket)}/o/${encodeURIComponent(location.name)}`
  }

  /** Streams the object into `file`: a code archive is tens of MB. */
  async downloadTo(uri: string, file: string): Promise<void> {
    const response = await fetch(`${this.objectUrl(parseGsUri(uri))}?alt=media`)
    if (response.status === 404) throw new Error(`File not found: ${uri}`)
    if (!response.ok || !response.body)
      throw new Error(`Cannot read ${uri}: HTTP ${response.status}`)
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file))
  }

  async upload(location: GcsLocation, data: Buffer): Promise<void> {
    const query = new URLSearchParams({ uploadType: 'media', name: location.name })
    const response = await fetch(
      `${this.baseUrl}/upload/storage/v1/b/${encodeURIComponent(location.bucket)}/o?${query.toString()}`,
      { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: data }
    )
    if (!response.ok) {
      throw new Error(
        `Cannot write gs://${location.bucket}/${location.name}: HTTP ${response.status}`
      )
    }
  }

  /** Creates the bucket unless it exists (the default staging bucket, like the service's). */
  async ensureBucket(bucket: string, project: string): Promise<void> {
    const found = await fetch(`${this.baseUrl}/storage/v1/b/${encodeURIComponent(bucket)}`)
    if (found.ok) return
    if (found.status !== 404) throw new Error(`Cannot read bucket ${bucket}: HTTP ${found.status}`)
    const created = await fetch(
      `${this.baseUrl}/storage/v1/b?project=${encodeURIComponent(project)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: bucket })
      }
    )
    // 409: another batch created it meanwhile.
    if (!created.ok && created.status !== 409)
      throw new Error(`Cannot create bucket ${bucket}: HTTP ${created.status}`)
  }
}
