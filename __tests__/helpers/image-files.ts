import { gunzipSync } from 'node:zlib'
import tar from 'tar-stream'

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json'
].join(', ')
/** Also the multi-platform kinds, for the digest of whatever a tag names. */
const ANY_MANIFEST = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  ACCEPT
].join(', ')

/**
 * The digest of a manifest as the registry reports it (`Docker-Content-Digest` of a HEAD), or null
 * when the repository or reference does not exist. `registry` is `host:port`.
 */
export async function manifestDigest(
  registry: string,
  repository: string,
  reference: string
): Promise<string | null> {
  const response = await fetch(`http://${registry}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { accept: ANY_MANIFEST }
  })
  if (response.status === 404) return null
  if (!response.ok) {
    throw new Error(`HEAD manifest ${repository}:${reference} answered ${response.status}`)
  }
  const digest = response.headers.get('docker-content-digest')
  if (!digest) throw new Error(`HEAD manifest ${repository}:${reference}: no Docker-Content-Digest`)
  return digest
}

interface Manifest {
  layers: { digest: string }[]
}

/** Every layer of `repository:reference` in a plain HTTP registry (`host:port`), as tar bytes. */
export async function imageLayers(
  registry: string,
  repository: string,
  reference: string
): Promise<Buffer[]> {
  const base = `http://${registry}/v2/${repository}`
  const response = await fetch(`${base}/manifests/${reference}`, { headers: { accept: ACCEPT } })
  if (!response.ok) throw new Error(`manifest ${repository}:${reference}: ${response.status}`)
  const manifest = (await response.json()) as Manifest
  const layers: Buffer[] = []
  for (const layer of manifest.layers) {
    const blob = Buffer.from(await (await fetch(`${base}/blobs/${layer.digest}`)).arrayBuffer())
    layers.push(blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob)
  }
  return layers
}

/** Every path in every layer of `repository:reference` in a plain HTTP registry (`host:port`). */
export async function imageLayerFiles(
  registry: string,
  repository: string,
  reference: string
): Promise<string[][]> {
  const layers = await imageLayers(registry, repository, reference)
  return Promise.all(layers.map(tarNames))
}

/** The bytes of the file `name` in the topmost layer that holds it, or undefined. */
export async function layerFile(layers: Buffer[], name: string): Promise<Buffer | undefined> {
  let found: Buffer | undefined
  for (const layer of layers) {
    const extract = tar.extract()
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: unknown) => chunks.push(Buffer.from(chunk as Uint8Array)))
      stream.on('end', () => {
        if (header.name === name) found = Buffer.concat(chunks)
        next()
      })
    })
    const done = new Promise<void>((resolve, reject) => {
      extract.on('finish', () => resolve())
      extract.on('error', reject)
    })
    extract.end(layer)
    await done
  }
  return found
}

export async function tarNames(bytes: Buffer): Promise<string[]> {
  const names: string[] = []
  const extract = tar.extract()
  extract.on('entry', (header, stream, next) => {
    names.push(header.name)
    stream.on('end', next)
    stream.resume()
  })
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve())
    extract.on('error', reject)
  })
  extract.end(bytes)
  await done
  return names
}
