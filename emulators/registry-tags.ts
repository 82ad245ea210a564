import { rm, stat } from 'node:fs/promises'
import { request, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { emulatorServer } from './http.js'

/**
 * Deleting a tag, which Artifact Registry allows (the image stays, under its digest and its other
 * tags) but the distribution 2.8 server does not (it deletes manifests by digest only, with every
 * tag on them). A front on the registry's port answers `DELETE /v2/NAME/manifests/TAG` by removing
 * the tag from the registry's filesystem storage, and passes every other request through.
 */

const TAG_DELETE = /^\/v2\/(.+)\/manifests\/([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/

export interface TagFront {
  port: number
  close(): Promise<void>
}

async function deleteTag(root: string, name: string, tag: string, res: ServerResponse) {
  const dir = join(root, 'docker/registry/v2/repositories', name, '_manifests/tags', tag)
  const exists = await stat(dir).then(
    () => true,
    () => false
  )
  if (!exists) {
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }))
    return
  }
  await rm(dir, { recursive: true, force: true })
  res.writeHead(202, { 'content-length': '0' })
  res.end()
}

function pass(backend: number, req: IncomingMessage, res: ServerResponse): void {
  // The Host header goes through unchanged, so the registry's upload URLs name this front.
  const forward = request(
    { host: '127.0.0.1', port: backend, method: req.method, path: req.url, headers: req.headers },
    answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.on('error', error => res.destroy(error))
      answer.pipe(res)
    }
  )
  forward.on('error', error => {
    // Once the answer has begun, a body cut short must not look whole.
    if (res.headersSent) return res.destroy(error)
    res.writeHead(502)
    res.end(String(error))
  })
  req.pipe(forward)
}

export async function startTagFront(
  host: string,
  port: number,
  backend: number,
  root: string
): Promise<TagFront> {
  const server = emulatorServer((req, res) => {
    const match = req.method === 'DELETE' ? TAG_DELETE.exec(req.url ?? '') : null
    if (match) {
      deleteTag(root, match[1] as string, match[2] as string, res).catch(() => {
        res.writeHead(500)
        res.end()
      })
    } else {
      pass(backend, req, res)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
