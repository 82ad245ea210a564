/**
 * A local stand-in for the GitHub Actions results service as @actions/artifact 6 uses it for an
 * upload (read from lib/internal/upload/upload-artifact.js and blob-upload.js):
 *
 * 1. POST {ACTIONS_RESULTS_URL origin}/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact
 *    with `Authorization: Bearer ACTIONS_RUNTIME_TOKEN` and proto-named JSON
 *    ({ workflow_run_backend_id, workflow_job_run_backend_id, name, mime_type, version: 7 });
 *    the answer { ok, signed_upload_url } names a blob with a SAS-like signature.
 * 2. The Azure SDK's BlockBlobClient.uploadStream on that URL: PUT ?comp=block&blockid=… for each
 *    8 MiB block, then PUT ?comp=blocklist with an XML <BlockList> of the block ids, in order.
 * 3. POST …/FinalizeArtifact ({ …ids, name, size, hash: "sha256:…" }) → { ok, artifact_id }.
 *
 * The backend ids come from the runtime token, a JWT whose `scp` claim holds
 * `Actions.Results:<workflow-run-backend-id>:<workflow-job-run-backend-id>` (lib/internal/shared/util.js).
 */
import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StoredArtifact {
  id: number
  name: string
  mimeType: unknown
  blobPath: string
  contentType?: string
  /** The committed blob (the zip), once the block list is committed. */
  blob?: Buffer
  finalized?: { size: string; hash: unknown }
}

export interface ResultsService {
  /** For ACTIONS_RESULTS_URL (the library keeps only its origin). */
  url: string
  /** For ACTIONS_RUNTIME_TOKEN. */
  token: string
  workflowRunBackendId: string
  workflowJobRunBackendId: string
  artifacts: StoredArtifact[]
  requests: { method: string; path: string }[]
  reset(): void
  close(): Promise<void>
}

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/'
const SIGNATURE = 'stand-in-signature'

/** A JWT as the runner issues it; the library only decodes it, so the signature is a dummy. */
export function runtimeToken(
  workflowRunBackendId: string,
  workflowJobRunBackendId: string
): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const claims = {
    scp: `Actions.GenericRead:00000000 Actions.Results:${workflowRunBackendId}:${workflowJobRunBackendId}`,
    exp: Math.floor(Date.now() / 1000) + 3600
  }
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.c2lnbmF0dXJl`
}

export async function startResultsService(): Promise<ResultsService> {
  const workflowRunBackendId = randomUUID()
  const workflowJobRunBackendId = randomUUID()
  const token = runtimeToken(workflowRunBackendId, workflowJobRunBackendId)
  // Staged blocks per blob path, by block id, until the block list commits them.
  const staged = new Map<string, Map<string, Buffer>>()
  let nextId = 4000

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => twirpError(res, 500, 'internal', String(error)))
  })

  const service: ResultsService = {
    url: '',
    token,
    workflowRunBackendId,
    workflowJobRunBackendId,
    artifacts: [],
    requests: [],
    reset() {
      service.artifacts.length = 0
      service.requests.length = 0
      staged.clear()
    },
    close: () =>
      new Promise<void>((resolve, reject) => server.close(e => (e ? reject(e) : resolve())))
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', service.url)
    const method = req.method ?? 'GET'
    service.requests.push({ method, path: url.pathname + url.search })
    const body = await readBody(req)

    if (url.pathname.startsWith(TWIRP) && method === 'POST') {
      if (req.headers.authorization !== `Bearer ${token}`) {
        return twirpError(res, 401, 'unauthenticated', 'invalid runtime token')
      }
      const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      if (
        request.workflow_run_backend_id !== workflowRunBackendId ||
        request.workflow_job_run_backend_id !== workflowJobRunBackendId
      ) {
        return twirpError(res, 400, 'invalid_argument', 'backend ids do not match the token')
      }
      const name = String(request.name)
      const rpc = url.pathname.slice(TWIRP.length)
      if (rpc === 'CreateArtifact') {
        if (service.artifacts.some(a => a.name === name)) {
          return twirpError(res, 409, 'already_exists', `an artifact named ${name} already exists`)
        }
        const blobPath = `/devstoreaccount1/actions-results/${randomUUID()}/${name}.zip`
        service.artifacts.push({
          id: nextId++,
          name,
          mimeType: request.mime_type,
          blobPath
        })
        const signed = new URL(blobPath, service.url)
        signed.search = `sv=2023-11-03&sr=b&sp=cw&sig=${SIGNATURE}`
        return json(res, 200, { ok: true, signed_upload_url: signed.href })
      }
      if (rpc === 'FinalizeArtifact') {
        const artifact = service.artifacts.find(a => a.name === name)
        if (!artifact?.blob) return twirpError(res, 404, 'not_found', `no upload for ${name}`)
        artifact.finalized = { size: String(request.size), hash: request.hash }
        return json(res, 200, { ok: true, artifact_id: String(artifact.id) })
      }
      return twirpError(res, 404, 'bad_route', `no method ${rpc}`)
    }

    const artifact = service.artifacts.find(a => a.blobPath === url.pathname)
    if (artifact && method === 'PUT') {
      if (url.searchParams.get('sig') !== SIGNATURE) return blobError(res, 403)
      const blocks = staged.get(artifact.blobPath) ?? new Map<string, Buffer>()
      staged.set(artifact.blobPath, blocks)
      const comp = url.searchParams.get('comp')
      if (comp === 'block') {
        blocks.set(url.searchParams.get('blockid') ?? '', body)
        return blobCreated(res, {})
      }
      if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<Latest>([^<]*)<\/Latest>/g)].map(m => m[1])
        const parts = ids.map(id => blocks.get(id ?? ''))
        if (parts.some(part => part === undefined)) return blobError(res, 400)
        artifact.blob = Buffer.concat(parts as Buffer[])
        artifact.contentType = header(req, 'x-ms-blob-content-type')
        const etag = `"0x${createHash('md5').update(artifact.blob).digest('hex').slice(0, 16)}"`
        return blobCreated(res, { etag, 'last-modified': new Date().toUTCString() })
      }
    }
    res.writeHead(404).end()
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return service
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function blobCreated(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(201, {
    ...headers,
    'x-ms-request-id': randomUUID(),
    'x-ms-version': '2023-11-03',
    'x-ms-request-server-encrypted': 'true',
    'content-length': '0'
  })
  res.end()
}

function blobError(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': 'StandInError' })
  res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>StandInError</Code></Error>')
}

// Twirp's error shape: { code, msg }; the library reports `msg`.
function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  json(res, status, { code, msg })
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
