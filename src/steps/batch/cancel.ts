import type { DataprocClient } from '../../clients/clients.js'

/** Dataproc has no CancelBatch: a batch is cancelled through its long-running operation. */
export async function cancelBatch(client: DataprocClient, operation: string): Promise<void> {
  // Already loaded along with the client (see makeDataprocClient).
  const { cancelOperationRequest } = await import('../../clients/dataproc.js')
  await client.operationsClient.cancelOperation(cancelOperationRequest(operation))
}
