/**
 * The image step: reuse the image when the registry already holds one built from the same inputs,
 * else build and push it; either way the branch or release tag points at it and the batch gets the
 * digest.
 *
 * Reuse needs no Docker at all: the fingerprint (see fingerprint.ts) names a tag `fp-<hash>`; when
 * the registry has it, its manifest bytes are copied to the requested tag through the registry's
 * HTTP API (a manifest list or OCI index is copied the same way, its children are already there).
 *
 * A build (docker-build.ts) pushes the fingerprint tag only, so its presence means a complete
 * image; the branch or release tag is then copied from it like a reuse, by `tagImage`, which a
 * release calls only once every check has passed and its code is uploaded.
 */
import { log } from '../../lib/log.js'
import { buildAndPush, type ImageRequest } from './docker-build.js'
import { execRunner, ImageError, UNAUTHORIZED_HINT, type Runner } from './docker.js'
import { fingerprint } from './fingerprint.js'
import { parseRepository, RegistryError, registryClient } from './registry-client.js'

export interface ImageResult {
  /** repository:tag */
  reference: string
  /** sha256:… */
  digest: string
  /** repository@sha256:…, what the batch uses. */
  pinned: string
  /** The fp-<hex> tag. */
  fingerprint: string
  /** False when reused from the fingerprint tag. */
  built: boolean
  seconds: number
}

export interface ImageDeps {
  runner?: Runner
}

/**
 * The image, named by its fingerprint: reused when the registry has it, else built and pushed
 * under the fingerprint tag only. `request.tag` is left as it is: see tagImage.
 */
export async function buildImage(
  request: ImageRequest,
  deps: ImageDeps = {}
): Promise<ImageResult> {
  const started = Date.now()
  return explained(request.accessToken, async () => {
    const location = parseRepository(request.repository)
    const fp = await fingerprint(request)
    const registry = registryClient(request.repository, request.accessToken)
    const reused = (await registry.head(fp.tag))?.digest ?? null
    const digest =
      reused ?? (await buildAndPush(request, fp.tag, location, registry, deps.runner ?? execRunner))
    const result: ImageResult = {
      reference: `${request.repository}:${request.tag}`,
      digest,
      pinned: `${request.repository}@${digest}`,
      fingerprint: fp.tag,
      built: reused === null,
      seconds: Math.round((Date.now() - started) / 10) / 100
    }
    const how = result.built ? 'built and pushed' : 'reused'
    log.info(`Image ${how}: ${request.repository}:${fp.tag} ${digest} (${result.seconds} s)`)
    return result
  })
}

/**
 * Points `request.tag` at the image: its manifest bytes, fetched by digest and copied through the
 * registry's API (no Docker), so the tag names exactly the digest the batch runs even if another
 * build has moved the fingerprint tag meanwhile.
 */
export async function tagImage(
  request: Pick<ImageRequest, 'repository' | 'tag' | 'accessToken'>,
  image: Pick<ImageResult, 'fingerprint' | 'digest' | 'reference'>
): Promise<void> {
  await explained(request.accessToken, async () => {
    if (request.tag === image.fingerprint) return
    const registry = registryClient(request.repository, request.accessToken)
    const manifest = await registry.get(image.digest)
    const stored = await registry.put(request.tag, manifest)
    if (stored !== manifest.digest)
      throw new ImageError(
        `the registry stored ${request.tag} as ${stored}, expected ${manifest.digest}`
      )
    log.info(`Image tagged: ${image.reference} ${image.digest}`)
  })
}

/** The image and its tag at once: what the image tests and the benchmark measure. */
export async function prepareImage(
  request: ImageRequest,
  deps: ImageDeps = {}
): Promise<ImageResult> {
  const result = await buildImage(request, deps)
  await tagImage(request, result)
  return result
}

/** Runs an image step with its errors made readable: registry hints, and no token in them. */
async function explained<T>(token: string | undefined, step: () => Promise<T>): Promise<T> {
  if (token) log.secret(token)
  const scrub = (text: string): string => (token ? text.split(token).join('***') : text)
  try {
    return await step()
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(scrub(error.message))
    if (error instanceof RegistryError) {
      const hint = registryHint(error.status)
      throw new ImageError(scrub(`${error.message}${hint ? `\nHint: ${hint}` : ''}`))
    }
    throw error
  }
}

function registryHint(status: number): string | undefined {
  if (status === 401 || status === 403) return UNAUTHORIZED_HINT
  if (status === 404)
    return 'the repository does not exist in the registry, or the name is misspelt'
  if (status === 0) return 'the registry cannot be reached: check the host name and the network'
  return undefined
}
