/**
 * Whether an Artifact Registry repository exists, asked of the Artifact Registry API (one GET).
 * The registry's own (OCI) API cannot tell: it answers NAME_UNKNOWN alike for a missing
 * repository and for an image not pushed yet, which a first build always is.
 */
import { errorMessage } from '../lib/errors.js'

const AR_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/

export const ARTIFACT_REGISTRY_API = 'https://artifactregistry.googleapis.com'

export type RepositoryCheck =
  | { kind: 'exists' }
  | { kind: 'missing'; project: string; location: string; repository: string }
  /** Not an Artifact Registry repository, or the API would not say (no permission, an outage). */
  | { kind: 'unknown'; why: string }

/** `REGION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE` → its parts; undefined for another registry. */
export function artifactRepository(
  imageRepository: string
): { project: string; location: string; repository: string } | undefined {
  const [host = '', project, repository] = imageRepository.split('/')
  const location = AR_HOST.exec(host)?.[1]
  return location && project && repository ? { project, location, repository } : undefined
}

export async function checkRepository(
  imageRepository: string,
  accessToken: string | undefined,
  api = ARTIFACT_REGISTRY_API
): Promise<RepositoryCheck> {
  const parts = artifactRepository(imageRepository)
  if (!parts) return { kind: 'unknown', why: 'not an Artifact Registry repository' }
  const { project, location, repository } = parts
  const url = `${api}/v1/projects/${project}/locations/${location}/repositories/${repository}`
  try {
    const response = await fetch(url, {
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {}
    })
    await response.body?.cancel()
    if (response.ok) return { kind: 'exists' }
    if (response.status === 404) return { kind: 'missing', ...parts }
    return {
      kind: 'unknown',
      why:
        response.status === 403
          ? 'the deploying identity may not read it (artifactregistry.repositories.get)'
          : `the Artifact Registry API answered ${response.status}`
    }
  } catch (error) {
    return {
      kind: 'unknown',
      why: `the Artifact Registry API did not answer (${errorMessage(error)})`
    }
  }
}
