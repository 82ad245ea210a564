import { protos } from '@google-cloud/dataproc'
import type { DataprocClient } from '../clients.js'

/** Dataproc has no CancelBatch: a batch is cancelled through its long-running operation. */
export async function cancelBatch(client: DataprocClient, operation: string): Promise<void> {
  await client.operationsClient.cancelOperation(
    protos.google.longrunning.CancelOperationRequest.create({ name: operation })
  )
}
