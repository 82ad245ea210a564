/**
 * The few calls of the OCI distribution API that the image step needs: does a manifest exist (HEAD),
 * read one byte for byte (GET) and store those bytes under another tag (PUT) — a re-tag without
 * pulling or pushing any layer.
 *
 * Remote registries are spoken to over https with the credentials given (Artifact Registry takes
 * Basic `oauth2accesstoken:<access token>` on /v2/ directly; a registry that answers 401 with a
 * Bearer challenge gets the token endpoint's answer instead). Loopback registries (the local stack)
 * are plain http without credentials, as Docker itself treats them.
 */
import { createHash } from 'node:crypto'
import { isLocalRegistry } from '../../dataproc/rules.js'
import { errorCause, errorMessage } from '../../lib/errors.js'
import { withRetries } from '../../lib/retry.js'

/** Every manifest type a single- or multi-platform image can have; the registry picks among them. */
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

export interface Credentials {
  username: string
  password: string
}

export interface ManifestHead {
  digest: string
  mediaType: string
}

export interface Manifest extends ManifestHead {
  body: Buffer
}

/** A registry answer other than success; `status` 0 means the request never got an answer. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    options?: ErrorOptions
  ) {
    super(message, options)
    this.name = 'RegistryError'
  }
}

export interface RegistryLocation {
  /** `host[:port]` as written in the repository. */
  host: string
  /** The repository path below the host, e.g. `proj/repo/dataproc-serverless`. */
  name: string
  /** `https://host` or, for loopback, `http://host`. */
  baseUrl: string
  local: boolean
}

export function parseRepository(repository: string): RegistryLocation {
  const slash = repository.indexOf('/')
  const host = slash < 0 ? '' : repository.slice(0, slash)
  // Docker reads a first component without '.' or ':' (other than localhost) as a Docker Hub path.
  if (!host || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw new Error(
      `image repository '${repository}' does not start with a registry host ` +
        '(e.g. europe-west1-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE)'
    )
  }
  const name = repository.slice(slash + 1)
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      name
    )
  ) {
    throw new Error(
      `image repository path '${name}' is not a valid repository name (lowercase, digits, . _ - /)`
    )
  }
  const local = isLocalRegistry(host)
  return { host, name, baseUrl: `${local ? 'http' : 'https'}://${host}`, local }
}

export interface RegistryClientOptions {
  baseUrl: string
  name: string
  credentials?: Credentials
}

type Access = 'pull' | 'pull,push' | 'delete'

/** Tries of a request while it fails transiently: a registry call is short, its failures too. */
const ATTEMPTS = 3

export class RegistryClient {
  private readonly bearer = new Map<Access, string>()

  constructor(private readonly options: RegistryClientOptions) {}

  /** The manifest's digest and type, or null when the tag (or the repository) does not exist. */
  async head(reference: string): Promise<ManifestHead | null> {
    const response = await this.request('HEAD', reference, 'pull')
    if (response.status === 404) return null
    await this.expectOk(response, 'HEAD', reference)
    const digest = response.headers.get('docker-content-digest')
    if (!digest) throw new RegistryError(`HEAD ${this.url(reference)}: no Docker-Content-Digest`, 0)
    return { digest, mediaType: mediaTypeOf(response) }
  }

  async get(reference: string): Promise<Manifest> {
    const response = await this.request('GET', reference, 'pull')
    await this.expectOk(response, 'GET', reference)
    const body = Buffer.from(await response.arrayBuffer())
    // The digest of exactly these bytes is what a PUT of them will be stored under.
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`
    const announced = response.headers.get('docker-content-digest')
    if (announced && announced !== digest) {
      throw new RegistryError(
        `GET ${this.url(reference)}: body digest ${digest} differs from ${announced}`,
        0
      )
    }
    return { digest, mediaType: mediaTypeOf(response), body }
  }

  /** Stores the manifest bytes under `reference`; returns the digest the registry reports. */
  async put(reference: string, manifest: Manifest): Promise<string> {
    const response = await this.request('PUT', reference, 'pull,push', manifest)
    await this.expectOk(response, 'PUT', reference)
    return response.headers.get('docker-content-digest') ?? manifest.digest
  }

  /** Every tag of the repository, or none when it does not exist. */
  async tags(): Promise<string[]> {
    const response = await this.request('GET', 'list', 'pull', undefined, 'tags')
    if (response.status === 404) return []
    await this.expectOk(response, 'GET', 'list', 'tags')
    return ((await response.json()) as { tags?: string[] | null }).tags ?? []
  }

  /**
   * Deletes a tag (its image stays, as Artifact Registry does), or by digest the image with every
   * tag on it. What is already gone counts as deleted.
   */
  async delete(reference: string): Promise<void> {
    const response = await this.request('DELETE', reference, 'delete')
    if (response.status === 404) return
    await this.expectOk(response, 'DELETE', reference)
  }

  private url(reference: string, kind: 'manifests' | 'tags' = 'manifests'): string {
    return `${this.options.baseUrl}/v2/${this.options.name}/${kind}/${reference}`
  }

  private async request(
    method: string,
    reference: string,
    access: Access,
    manifest?: Manifest,
    kind?: 'tags'
  ): Promise<Response> {
    const send = async (authorization: string | undefined): Promise<Response> => {
      const headers: Record<string, string> = { accept: MANIFEST_ACCEPT }
      if (authorization) headers.authorization = authorization
      if (manifest) headers['content-type'] = manifest.mediaType
      const url = this.url(reference, kind)
      return this.fetchRetrying(`${method} ${url}`, () =>
        fetch(url, { method, headers, body: manifest?.body })
      )
    }
    const cached = this.bearer.get(access)
    let response = await send(cached ? `Bearer ${cached}` : this.basic())
    if (response.status !== 401) return response
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '')
    await response.arrayBuffer()
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return response
    const token = await this.fetchToken(challenge.params, access)
    this.bearer.set(access, token)
    response = await send(`Bearer ${token}`)
    return response
  }

  private basic(): string | undefined {
    const credentials = this.options.credentials
    if (!credentials) return undefined
    const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString(
      'base64'
    )
    return `Basic ${encoded}`
  }

  /** The token endpoint named by the challenge, asked for this repository with the credentials. */
  private async fetchToken(params: Record<string, string>, access: Access): Promise<string> {
    const url = new URL(params.realm as string)
    if (params.service) url.searchParams.set('service', params.service)
    url.searchParams.set('scope', `repository:${this.options.name}:${access}`)
    const headers: Record<string, string> = {}
    const basic = this.basic()
    if (basic) headers.authorization = basic
    const response = await this.fetchRetrying(`GET ${url.origin}${url.pathname}`, () =>
      fetch(url, { headers })
    )
    if (!response.ok) {
      throw new RegistryError(
        `token endpoint ${url.origin}${url.pathname} answered ${response.status}${await errorDetail(response)}`,
        response.status
      )
    }
    const body = (await response.json()) as { token?: string; access_token?: string }
    const token = body.token ?? body.access_token
    if (!token) throw new RegistryError(`token endpoint ${url.origin}${url.pathname}: no token`, 0)
    return token
  }

  /** Sends the request, again while the registry or the network fails transiently. */
  private fetchRetrying(what: string, call: () => Promise<Response>): Promise<Response> {
    const attempt = async (): Promise<Response> => {
      let response: Response
      try {
        response = await call()
      } catch (error) {
        throw new RegistryError(`${what} failed: ${errorMessage(errorCause(error) ?? error)}`, 0, {
          cause: error
        })
      }
      if (response.status === 429 || response.status >= 500) {
        throw new RegistryError(
          `${what} answered ${response.status}${await errorDetail(response)}`,
          response.status
        )
      }
      return response
    }
    return withRetries(attempt, { what, attempts: ATTEMPTS })
  }

  private async expectOk(
    response: Response,
    method: string,
    reference: string,
    kind?: 'tags'
  ): Promise<void> {
    if (response.ok) return
    throw new RegistryError(
      `${method} ${this.url(reference, kind)} answered ${response.status}${await errorDetail(response)}`,
      response.status
    )
  }
}

/** The client for `repository`; an access token is sent as Artifact Registry expects it. */
export function registryClient(repository: string, accessToken?: string): RegistryClient {
  const location = parseRepository(repository)
  return new RegistryClient({
    baseUrl: location.baseUrl,
    name: location.name,
    credentials:
      accessToken && !location.local
        ? { username: 'oauth2accesstoken', password: accessToken }
        : undefined
  })
}

function mediaTypeOf(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = (/^\s*(\S+)/.exec(header)?.[1] ?? '').toLowerCase()
  const params: Record<string, string> = {}
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) {
    params[(match[1] as string).toLowerCase()] = match[2] as string
  }
  return { scheme, params }
}

/** The registry's own error codes and messages, e.g. `: DENIED: permission denied`. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] }
    const errors = (body.errors ?? []).map(e => [e.code, e.message].filter(Boolean).join(': '))
    if (errors.length > 0) return `: ${errors.join('; ')}`
  } catch {
    // Not the distribution API's JSON error body: show its start instead.
  }
  const snippet = text.trim().slice(0, 200)
  return snippet ? `: ${snippet}` : ''
}
