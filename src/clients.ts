import { v1 } from '@google-cloud/dataproc'
import { IdempotencyStrategy, Storage } from '@google-cloud/storage'
import { GoogleAuth, PassThroughClient } from 'google-auth-library'
import { googleAuthLibrary, grpc } from 'google-gax'
import { buildsImage, type Config } from './inputs.js'

export type DataprocClient = v1.BatchControllerClient

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform']

/**
 * A plaintext endpoint (the local stack) gets an auth client that adds nothing: without one the
 * Google clients still look for credentials and probe the metadata server. Otherwise each client
 * finds Application Default Credentials itself (what google-github-actions/auth sets up).
 */
export function makeDataprocClient(config: Config): DataprocClient {
  const endpoint = config.dataprocEndpoint
  if (endpoint?.plaintext) {
    return new v1.BatchControllerClient({
      apiEndpoint: endpoint.host,
      port: endpoint.port,
      sslCreds: grpc.credentials.createInsecure(),
      authClient: new googleAuthLibrary.PassThroughClient()
    })
  }
  // Batches live in a region; the regional endpoint serves them without a redirect.
  return new v1.BatchControllerClient({
    apiEndpoint: endpoint?.host ?? `${config.region}-dataproc.googleapis.com`,
    port: endpoint?.port ?? 443
  })
}

export function makeStorage(config: Config): Storage {
  const endpoint = config.storageEndpoint
  // Our uploads write the same bytes to the same name, so retrying them is always safe.
  const retryOptions = {
    autoRetry: true,
    maxRetries: 5,
    idempotencyStrategy: IdempotencyStrategy.RetryAlways
  }
  if (endpoint?.plaintext) {
    return new Storage({
      apiEndpoint: endpoint.url,
      projectId: config.projectId,
      authClient: new PassThroughClient(),
      useAuthWithCustomEndpoint: false,
      retryOptions
    })
  }
  return new Storage({
    projectId: config.projectId,
    ...(endpoint ? { apiEndpoint: endpoint.url, useAuthWithCustomEndpoint: true } : {}),
    retryOptions
  })
}

/** Whether any call of this run goes to Google and so needs credentials. */
export function needsCredentials(config: Config, localRegistry: boolean): boolean {
  return (
    !config.dataprocEndpoint?.plaintext ||
    !config.storageEndpoint?.plaintext ||
    (buildsImage(config) && !localRegistry)
  )
}

/**
 * Checked once before any side effect, so a missing auth step fails in a second with one clear
 * message instead of after the image build.
 */
export async function loadAccessToken(): Promise<string> {
  const auth = new GoogleAuth({ scopes: SCOPES })
  try {
    const accessToken = await auth.getAccessToken()
    if (!accessToken) throw new Error('no access token was returned')
    return accessToken
  } catch (error) {
    throw new Error(
      `no Google Cloud credentials (${(error as Error).message.split('\n')[0]}). ` +
        'Add a google-github-actions/auth step before this one (with permissions: id-token: write for Workload Identity Federation); ' +
        'on pull requests from forks secrets and OIDC tokens are not available.'
    )
  }
}
