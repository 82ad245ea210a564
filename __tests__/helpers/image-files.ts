import { gunzipSync } from 'node:zlib'
import tar from 'tar-stream'

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json'
].join(', ')

interface Manifest {
  layers: { digest: string }[]
}

/** Every path in every layer of `repository:reference` in a plain HTTP registry (`host:port`). */
export async function imageLayerFiles(
  registry: string,
  repository: string,
  reference: string
): Promise<string[][]> {
  const base = `http://${registry}/v2/${repository}`
  const response = await fetch(`${base}/manifests/${reference}`, { headers: { accept: ACCEPT } })
  if (!response.ok) throw new Error(`manifest ${repository}:${reference}: ${response.status}`)
  const manifest = (await response.json()) as Manifest
  const layers: string[][] = []
  for (const layer of manifest.layers) {
    const blob = Buffer.from(await (await fetch(`${base}/blobs/${layer.digest}`)).arrayBuffer())
    const bytes = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob
    layers.push(await tarNames(bytes))
  }
  return layers
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
