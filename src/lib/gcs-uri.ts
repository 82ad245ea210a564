export interface GcsLocation {
  bucket: string
  name: string
}

export function parseGcsUri(uri: string): GcsLocation {
  const match = /^gs:\/\/([^/]+)\/(.*)$/.exec(uri)
  if (!match) throw new Error(`'${uri}' is not a gs://BUCKET/OBJECT URI`)
  return { bucket: match[1] as string, name: match[2] as string }
}
