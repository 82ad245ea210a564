import { readFileSync } from 'node:fs'
import { IdempotencyStrategy, Storage } from '@google-cloud/storage'
import { GoogleAuth, PassThroughClient } from 'google-auth-library'
import type { DataprocClient } from './dataproc.js'
import type { Endpoint } from '../inputs/syntax.js'
import { restListEntries, type ListEntries } from './logging.js'
import { BACKOFF } from '../lib/retry.js'
import { errorMessage, firstLine } from '../lib/errors.js'

export type { DataprocClient }

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform']

/**
 * Loaded on demand: the gRPC client and its protos take a tenth of a second of the main thread to
 * load, which deploy spends once the code is uploaded, and a run that stops earlier never spends.
 */
export async function makeDataprocClient(
  region: string,
  endpoint?: Endpoint
): Promise<DataprocClient> {
  return (await import('./dataproc.js')).createDataprocClient(region, endpoint)
}

export function makeStorage(projectId: string, endpoint?: Endpoint): Storage {
  // Our uploads write the same bytes to the same name, so retrying them is always safe.
  const retryOptions = {
    autoRetry: true,
    maxRetries: 5,
    // The SDK's own backoff, under the same ceiling as every other retry of the action.
    maxRetryDelay: BACKOFF.maxMs / 1000,
    idempotencyStrategy: IdempotencyStrategy.RetryAlways
  }
  if (endpoint?.plaintext) {
    return new Storage({
      apiEndpoint: endpoint.url,
      projectId,
      authClient: new PassThroughClient(),
      useAuthWithCustomEndpoint: false,
      retryOptions
    })
  }
  return new Storage({
    projectId,
    ...(endpoint ? { apiEndpoint: endpoint.url, useAuthWithCustomEndpoint: true } : {}),
    retryOptions
  })
}

/** How a workflow gets credentials; the command passes its own way. */
const WORKFLOW_CREDENTIALS_HINT =
  '. Add a google-github-actions/auth step before this one (with permissions: id-token: write for Workload Identity Federation); ' +
  'on pull requests from forks secrets and OIDC tokens are not available.'

/**
 * Application Default Credentials, checked once before any side effect, so missing ones fail in a
 * second with one clear message (ending in `hint`) instead of after the image build.
 */
export async function loadAccessToken(hint = WORKFLOW_CREDENTIALS_HINT): Promise<string> {
  const auth = new GoogleAuth({ scopes: SCOPES })
  try {
    const accessToken = await auth.getAccessToken()
    if (!accessToken) throw new Error('no access token was returned')
    return accessToken
  } catch (error) {
    throw new Error(`no Google Cloud credentials (${firstLine(error)})${hint}`)
  }
}

/**
 * The request headers for Cloud Logging: none for a plaintext emulator, else Application Default
 * Credentials. Missing credentials come back as a 401, which the reader reports once.
 */
export function loggingClient(endpoint?: Endpoint): ListEntries {
  const auth = endpoint?.plaintext ? undefined : new GoogleAuth({ scopes: SCOPES })
  const headers = async (): Promise<Record<string, string>> => {
    if (!auth) return {}
    try {
      const client = await auth.getClient()
      return Object.fromEntries((await client.getRequestHeaders()).entries())
    } catch (error) {
      throw Object.assign(new Error(`no credentials for Cloud Logging (${errorMessage(error)})`), {
        status: 401
      })
    }
  }
  return restListEntries(endpoint?.url ?? 'https://logging.googleapis.com', headers)
}

/**
 * The deploying identity's email, when the credentials file names one (a key's `client_email`,
 * or the account Workload Identity Federation impersonates), for hints that name it.
 */
export function deployingIdentity(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS
  if (!file) return undefined
  try {
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as {
      client_email?: unknown
      service_account_impersonation_url?: unknown
    }
    if (typeof credentials.client_email === 'string') return credentials.client_email
    const url = credentials.service_account_impersonation_url
    return typeof url === 'string' ? /serviceAccounts\/([^/:]+)/.exec(url)?.[1] : undefined
  } catch {
    return undefined
  }
}
