// The batch client alone: the package's index also loads its nine other clients and a 4.5 MB
// generated module of every Dataproc message, which is most of the client's loading time.
import { BatchControllerClient } from '@google-cloud/dataproc/build/src/v1/batch_controller_client.js'
import { googleAuthLibrary, grpc, operationsProtos } from 'google-gax'
import type { Endpoint } from '../inputs/syntax.js'

export type DataprocClient = BatchControllerClient

/**
 * A plaintext endpoint (the local stack) gets an auth client that adds nothing: without one the
 * Google clients still look for credentials and probe the metadata server. Otherwise the client
 * finds Application Default Credentials itself (what google-github-actions/auth sets up).
 * Imported only through makeDataprocClient (clients.ts), which loads it on demand.
 */
export function createDataprocClient(region: string, endpoint?: Endpoint): DataprocClient {
  if (endpoint?.plaintext) {
    return new BatchControllerClient({
      apiEndpoint: endpoint.host,
      port: endpoint.port,
      sslCreds: grpc.credentials.createInsecure(),
      authClient: new googleAuthLibrary.PassThroughClient()
    })
  }
  // Batches live in a region; the regional endpoint serves them without a redirect.
  return new BatchControllerClient({
    apiEndpoint: endpoint?.host ?? `${region}-dataproc.googleapis.com`,
    port: endpoint?.port ?? 443
  })
}

export const cancelOperationRequest = (name: string) =>
  operationsProtos.google.longrunning.CancelOperationRequest.create({ name })
